import Foundation
@testable import PolicyLang

/// A policy of the corpus with the diagnostics it expects, read from marker comments.
///
/// A marker is a comment line right below the line a diagnostic points at, with a caret run at the
/// diagnostic's column followed by its code, swift-format style:
///
/// ```
/// route StartTransation to owner
/// #     ^^^^^^^^^^^^^^^ E200
/// ```
///
/// A line may carry several markers (`#  ^ E203   ^ E204`), a caret may carry several codes, and
/// several marker lines may follow one line. Column 1 holds the `#` itself, so a caret right after
/// it (`#^ W102`) stands for column 1. Header comments configure the run:
///
/// - `# config-backends: billing, ems`: the backends of a gateway config;
/// - `# list-file employees.txt: A, B`: a list file's entries (an unlisted file cannot be read).
struct CorpusCase {
    struct Expectation: Hashable, Comparable, CustomStringConvertible {
        var code: String
        var line: Int
        var column: Int

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.line, lhs.column, lhs.code) < (rhs.line, rhs.column, rhs.code) }
        var description: String { "\(code)@\(line):\(column)" }
    }

    var name: String
    var text: String
    var configBackends: [String]?
    var listFiles: [String: String]
    var expected: Set<Expectation>

    init(name: String, text: String) {
        self.name = name
        self.text = text
        var configBackends: [String]?
        var listFiles: [String: String] = [:]
        var expected = Set<Expectation>()
        var target = 0
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            if let markers = Self.markers(in: line) {
                for (column, codes) in markers {
                    for code in codes { expected.insert(Expectation(code: code, line: target, column: column)) }
                }
                continue
            }
            target = offset + 1
            if let value = Self.directive("config-backends", in: line) {
                configBackends = Self.items(value)
            } else if let value = Self.directive("list-file", in: line), let colon = value.firstIndex(of: ":") {
                let file = value[..<colon].trimmingCharacters(in: .whitespaces)
                listFiles[file] = Self.items(String(value[value.index(after: colon)...])).joined(separator: "\n")
            }
        }
        self.configBackends = configBackends
        self.listFiles = listFiles
        self.expected = expected
    }

    private static func directive(_ name: String, in line: String) -> String? {
        let prefix = "# \(name) "
        guard line.hasPrefix(prefix) || line.hasPrefix("# \(name):") else { return nil }
        let rest = line.dropFirst(2 + name.count)
        return String(rest.hasPrefix(":") ? rest.dropFirst() : rest).trimmingCharacters(in: .whitespaces)
    }

    private static func items(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The markers of a marker line (column → codes), or nil for any other line.
    static func markers(in line: String) -> [(Int, [String])]? {
        let characters = Array(line)
        guard characters.first == "#", characters.contains("^") else { return nil }
        var result: [(Int, [String])] = []
        var index = 1
        while index < characters.count {
            switch characters[index] {
            case " ", "\t":
                index += 1
            case "^":
                let column = index == 1 ? 1 : index + 1
                while index < characters.count, characters[index] == "^" { index += 1 }
                var codes: [String] = []
                while true {
                    while index < characters.count, characters[index] == " " { index += 1 }
                    let start = index
                    while index < characters.count, characters[index] != " ", characters[index] != "^" { index += 1 }
                    let word = String(characters[start..<index])
                    guard word.count == 4, word.first == "E" || word.first == "W", word.dropFirst().allSatisfy(\.isNumber) else {
                        index = start
                        break
                    }
                    codes.append(word)
                }
                guard !codes.isEmpty else { return nil }
                result.append((column, codes))
            default:
                return nil
            }
        }
        return result.isEmpty ? nil : result
    }

    /// Runs the policy through the whole pipeline.
    func compile() -> PolicyCompilation {
        let files = listFiles
        return PolicyPipeline.compile(source: SourceFile(path: "Corpus/\(name)", text: text), configBackends: configBackends,
                                      readListFile: { path in
                                          let file = (path as NSString).lastPathComponent
                                          guard let contents = files[file] else {
                                              throw CocoaError(.fileNoSuchFile)
                                          }
                                          return contents
                                      })
    }

    static var directory: String { Fixtures.repositoryRoot + "/Tests/PolicyLangTests/Corpus" }

    /// Every corpus file, by name.
    static func all() throws -> [CorpusCase] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".policy") }.sorted()
        return try names.map { name in
            CorpusCase(name: name, text: try String(contentsOfFile: directory + "/" + name, encoding: .utf8))
        }
    }
}
