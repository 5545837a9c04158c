import OCPP
import PolicyLang

/// The JSON form of `lint` (documented in `docs/cli.md`):
///
/// ```json
/// {"files": [{"path": "site.policy", "diagnostics": [{"code": "W102", "name": "unrouted-action",
///   "severity": "warning", "message": "...", "line": 1, "column": 1, "endLine": 1, "endColumn": 8,
///   "help": null, "label": null, "notes": [{"message": "...", "file": "...", "line": 3, "column": 1}]}]}],
///  "errors": 0, "warnings": 1}
/// ```
enum LintJSONFormatter {
    /// The whole document for `files`.
    static func document(_ files: [LintedFile]) -> JSONValue {
        [
            "files": .array(files.map(file)),
            "errors": .integer(files.reduce(0) { $0 + $1.errorCount }),
            "warnings": .integer(files.reduce(0) { $0 + $1.warningCount }),
        ]
    }

    private static func file(_ file: LintedFile) -> JSONValue {
        ["path": .string(file.path), "diagnostics": .array(file.diagnostics.map { diagnostic($0, in: file) })]
    }

    /// One diagnostic; `help` and `label` are `null` when absent, so every key is always present.
    static func diagnostic(_ diagnostic: Diagnostic, in file: LintedFile) -> JSONValue {
        let end = file.endPosition(of: diagnostic)
        return [
            "code": .string(diagnostic.code.rawValue),
            "name": .string(diagnostic.code.name),
            "severity": .string(diagnostic.severity.rawValue),
            "message": .string(diagnostic.message),
            "line": .integer(diagnostic.position.line),
            "column": .integer(diagnostic.position.column),
            "endLine": .integer(end.line),
            "endColumn": .integer(end.column),
            "help": .optional(diagnostic.help),
            "label": .optional(diagnostic.label),
            "notes": .array(diagnostic.notes.map { note in
                ["message": .string(note.message), "file": .string(note.file),
                 "line": .integer(note.position.line), "column": .integer(note.position.column)]
            }),
        ]
    }
}
