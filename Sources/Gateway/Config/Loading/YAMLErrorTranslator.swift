import Yams

/// Turns Yams' errors into diagnostics. Only libyaml's generic problem text and positions are
/// used, never Yams' snippet of the offending line, which could hold a secret.
enum YAMLErrorTranslator {
    static func diagnostic(for error: any Error, yaml: String, file: String) -> ConfigDiagnostic {
        func make(
            _ code: ConfigError.Code, _ message: String, _ mark: (line: Int, column: Int)?, help: String? = syntaxHelp
        ) -> ConfigDiagnostic {
            ConfigDiagnostic(code: code, file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                             keyPath: "", message: message, help: help)
        }
        guard let error = error as? YamlError else { return make(.yamlSyntax, "invalid yaml", nil) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let within = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            return make(.yamlSyntax, "invalid yaml: \(problem)\(within)", (mark.line, mark.column))
        case .reader(let problem, let offset, _, _):
            return make(.yamlSyntax, "invalid yaml: \(problem)", offset.map { mark(ofCharacterOffset: $0, in: yaml) })
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return make(.duplicateKey, "key \(keys) appears more than once in the same mapping", (context.mark.line, context.mark.column),
                        help: "keep only one of them; this position is the first")
        default:
            return make(.yamlSyntax, "invalid yaml", nil)
        }
    }

    private static let syntaxHelp =
        "check the indentation, and quote values that start with `[`, `{`, `*`, `&` or `!` or contain `: ` or ` #`"

    /// The 1-based line and column (in Unicode scalars) of the `offset`th character.
    static func mark(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return (line, column)
    }
}
