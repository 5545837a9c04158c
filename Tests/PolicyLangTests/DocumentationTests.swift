import Foundation
import Testing
@testable import PolicyLang

@Suite("every diagnostic is documented and exercised")
struct DocumentationTests {
    /// Codes no policy can trigger today; `docs/diagnostics.md` says why for each.
    static let unreachable: Set<String> = ["E307"]

    static let documentation = (try? String(contentsOfFile: Fixtures.repositoryRoot + "/docs/diagnostics.md", encoding: .utf8)) ?? ""

    static var markedCodes: Set<String> {
        let corpus = (try? CorpusCase.all()) ?? []
        return Set(corpus.flatMap { $0.expected.map(\.code) })
    }

    @Test("docs/diagnostics.md has a section for every code, with its name and severity", arguments: DiagnosticCode.all)
    func documented(_ code: DiagnosticCode) {
        let heading = "### \(code.rawValue) `\(code.name)` (\(code.severity.rawValue))"
        #expect(Self.documentation.contains(heading), "missing heading: \(heading)")
        #expect(Self.documentation.contains("| \(code.rawValue) | `\(code.name)` |"), "missing from the table: \(code)")
    }

    @Test("every reachable code is marked in at least one corpus policy", arguments: DiagnosticCode.all)
    func exercised(_ code: DiagnosticCode) {
        if Self.unreachable.contains(code.rawValue) {
            #expect(!Self.markedCodes.contains(code.rawValue), "\(code) is marked in the corpus: it is reachable after all")
            #expect(Self.documentation.contains("### \(code.rawValue) `\(code.name)` (\(code.severity.rawValue)) — unreachable"))
        } else {
            #expect(Self.markedCodes.contains(code.rawValue), "no corpus policy marks \(code)")
        }
    }

    @Test("corpus markers name only codes that exist")
    func markersAreCodes() {
        let known = Set(DiagnosticCode.all.map(\.rawValue))
        #expect(Self.markedCodes.subtracting(known).isEmpty)
    }
}

extension DiagnosticCode: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}
