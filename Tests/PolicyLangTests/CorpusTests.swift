import Foundation
import Testing
@testable import PolicyLang

@Suite("corpus of broken policies")
struct CorpusTests {
    static let cases: [CorpusCase] = (try? CorpusCase.all()) ?? []

    @Test("the corpus is there")
    func corpusExists() {
        #expect(Self.cases.count >= 10)
    }

    @Test("each policy reports exactly the diagnostics its markers expect", arguments: cases)
    func markersMatch(_ corpus: CorpusCase) {
        let compilation = corpus.compile()
        let actual = Set(compilation.diagnostics.map {
            CorpusCase.Expectation(code: $0.code.rawValue, line: $0.position.line, column: $0.position.column)
        })
        let missing = corpus.expected.subtracting(actual).sorted()
        let unexpected = actual.subtracting(corpus.expected).sorted()
        let rendered = DiagnosticRenderer(sources: [compilation.source]).render(compilation.diagnostics)
        #expect(missing.isEmpty && unexpected.isEmpty,
                "\(corpus.name): missing \(missing), unexpected \(unexpected)\n\(rendered)")
        #expect(!corpus.expected.isEmpty || corpus.text.contains("# expect: no diagnostics"),
                "\(corpus.name) marks no diagnostic; say `# expect: no diagnostics` if that is the point")
        // `CHARGEMUX_PRINT_CORPUS=1 swift test --filter CorpusTests` shows what each policy reports.
        if ProcessInfo.processInfo.environment["CHARGEMUX_PRINT_CORPUS"] != nil {
            print("=== \(corpus.name)\n\(rendered)")
        }
    }
}

extension CorpusCase: CustomTestStringConvertible {
    var testDescription: String { name }
}
