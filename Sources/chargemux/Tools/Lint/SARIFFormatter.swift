import Foundation
import OCPP
import PolicyLang

/// The SARIF 2.1.0 form of `lint`, for code-scanning tools: one run, every diagnostic code as a
/// rule, every diagnostic as a result with its region; the help goes in `message.text` (after a
/// line break) and in `properties.help`.
enum SARIFFormatter {
    /// The SARIF 2.1.0 JSON schema, for `$schema`.
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    /// The SARIF version written.
    static let version = "2.1.0"
    /// Where the tool is described, for `tool.driver.informationUri`.
    static let informationURI = "https://github.com/linking-world/chargemux"

    /// The SARIF log for `files`.
    static func document(_ files: [LintedFile]) -> JSONValue {
        [
            "$schema": .string(schema),
            "version": .string(version),
            "runs": [
                [
                    "tool": ["driver": driver],
                    "columnKind": "unicodeCodePoints",
                    "artifacts": .array(files.map { ["location": ["uri": .string(uri($0.path))]] }),
                    "results": .array(files.flatMap { file in file.diagnostics.map { result($0, in: file) } }),
                ],
            ],
        ]
    }

    private static var driver: JSONValue {
        [
            "name": "chargemux",
            "informationUri": .string(informationURI),
            "rules": .array(DiagnosticCode.all.map { code in
                [
                    "id": .string(code.rawValue),
                    "name": .string(code.name),
                    "shortDescription": ["text": .string(code.summary)],
                    "defaultConfiguration": ["level": .string(level(code.severity))],
                ]
            }),
        ]
    }

    private static func result(_ diagnostic: Diagnostic, in file: LintedFile) -> JSONValue {
        let end = file.endPosition(of: diagnostic)
        var text = diagnostic.message
        if let help = diagnostic.help { text += "\nhelp: \(help)" }
        var properties: [(key: String, value: JSONValue)] = [("name", .string(diagnostic.code.name))]
        if let help = diagnostic.help { properties.append(("help", .string(help))) }
        if let label = diagnostic.label { properties.append(("label", .string(label))) }
        var members: [(key: String, value: JSONValue)] = [
            ("ruleId", .string(diagnostic.code.rawValue)),
            ("ruleIndex", .integer(DiagnosticCode.all.firstIndex(of: diagnostic.code) ?? 0)),
            ("level", .string(level(diagnostic.severity))),
            ("message", ["text": .string(text)]),
            ("locations", [location(file: diagnostic.file, start: diagnostic.position, end: end)]),
        ]
        if !diagnostic.notes.isEmpty {
            members.append(("relatedLocations", .array(diagnostic.notes.enumerated().map { index, note in
                var related = location(file: note.file, start: note.position, end: note.position).objectValue ?? JSONObject()
                related["id"] = .integer(index)
                related["message"] = ["text": .string(note.message)]
                return .object(related)
            })))
        }
        members.append(("properties", .object(JSONObject(properties))))
        return .object(JSONObject(members))
    }

    private static func location(file: String, start: SourcePosition, end: SourcePosition) -> JSONValue {
        [
            "physicalLocation": [
                "artifactLocation": ["uri": .string(uri(file))],
                "region": [
                    "startLine": .integer(start.line), "startColumn": .integer(start.column),
                    "endLine": .integer(end.line), "endColumn": .integer(end.column),
                ],
            ],
        ]
    }

    /// SARIF levels: `error` and `warning` are the same words.
    static func level(_ severity: Severity) -> String { severity.rawValue }

    /// A relative or absolute path as a URI reference (spaces and the like percent-encoded).
    static func uri(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
    }
}
