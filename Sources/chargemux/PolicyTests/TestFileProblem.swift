import Yams

/// A mistake in a test file: where it is, what is wrong and how to fix it.
///
/// Rendered like a compiler diagnostic, `site.tests.yaml:12:7: error: ...`, so editors and CI
/// jump to it.
struct TestFileProblem: Error, Sendable, Equatable {
    var file: String
    /// 1-based; 0 when the position is unknown (an unreadable file).
    var line: Int
    var column: Int
    var message: String
    var help: String?

    init(file: String, line: Int, column: Int, message: String, help: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.help = help
    }

    /// A problem at `node`'s position.
    init(file: String, at node: Node?, _ message: String, help: String? = nil) {
        self.init(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, message: message, help: help)
    }

    /// `FILE:LINE:COL: error: MESSAGE` and, when there is one, an indented `help:` line.
    var rendered: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        var text = "\(place): error: \(message)\n"
        if let help { text += "  help: \(help)\n" }
        return text
    }
}

extension TestFileProblem {
    /// Turns a Yams error into a positioned problem. Uses libyaml's problem text and marks only.
    static func yamlSyntax(_ error: any Error, file: String, text: String) -> TestFileProblem {
        let help = "check the indentation, and quote values that start with `[`, `{`, `*`, `&`, `!` or `%` "
            + "or contain `: ` or ` #`"
        guard let error = error as? YamlError else {
            return TestFileProblem(file: file, line: 0, column: 0, message: "invalid yaml", help: help)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let within = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return TestFileProblem(file: file, line: mark.line, column: mark.column,
                                   message: "invalid yaml: \(problem)\(within)", help: help)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return TestFileProblem(file: file, line: context.mark.line, column: context.mark.column,
                                   message: "key \(keys) appears more than once in the same mapping",
                                   help: "keep one of them")
        case .reader(let problem, let offset, _, _):
            let (line, column) = offset.map { position(ofCharacterOffset: $0, in: text) } ?? (0, 0)
            return TestFileProblem(file: file, line: line, column: column, message: "invalid yaml: \(problem)",
                                   help: "save the test file as UTF-8 text")
        default:
            return TestFileProblem(file: file, line: 0, column: 0, message: "invalid yaml", help: help)
        }
    }

    private static func position(ofCharacterOffset offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

/// Every problem of a test file, as one error.
struct TestFileProblems: Error, Sendable {
    var problems: [TestFileProblem]

    init(_ problems: [TestFileProblem]) { self.problems = problems }
}
