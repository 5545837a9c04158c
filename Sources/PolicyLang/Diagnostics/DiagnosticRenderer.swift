/// Renders diagnostics the way compilers do, so editors and CI jump to them:
///
/// ```
/// site.policy:12:7: error[E200]: unknown action `StartTransation` for ocpp 1.6
///    12 | route StartTransation to owner
///       |       ^^^^^^^^^^^^^^^ not an ocpp 1.6 action
///   help: did you mean `StartTransaction`?
/// ```
public struct DiagnosticRenderer: Sendable {
    /// The sources by path, to quote the offending line; a diagnostic whose file is missing here
    /// is printed without the quote.
    public var sources: [String: SourceFile]

    public init(sources: [SourceFile]) {
        self.sources = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The first line: `FILE:LINE:COLUMN: error[CODE]: message`.
    public static func headline(_ diagnostic: Diagnostic) -> String {
        "\(diagnostic.file):\(diagnostic.position.line):\(diagnostic.position.column): "
            + "\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]: \(diagnostic.message)"
    }

    /// The full text of one diagnostic, ending with a line break.
    public func render(_ diagnostic: Diagnostic) -> String {
        var output = Self.headline(diagnostic) + "\n"
        if let source = sources[diagnostic.file] {
            output += quote(source, span: diagnostic.span, at: diagnostic.position, label: diagnostic.label)
        }
        if let help = diagnostic.help { output += "  help: \(help)\n" }
        for note in diagnostic.notes {
            output += "  note: \(note.file):\(note.position.line):\(note.position.column): \(note.message)\n"
        }
        return output
    }

    /// Every diagnostic, separated by blank lines (``Swift/Array/summary`` gives the closing
    /// `2 errors, 1 warning` line).
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined(separator: "\n")
    }

    private func quote(_ source: SourceFile, span: SourceSpan, at position: SourcePosition, label: String?) -> String {
        let line = source.lineText(position.line)
        let number = String(position.line)
        let gutter = String(repeating: " ", count: number.count)
        let endPosition = source.position(of: span.end)
        let lineLength = line.count
        let startColumn = min(position.column, lineLength + 1)
        let endColumn = endPosition.line == position.line ? max(endPosition.column, startColumn + 1) : lineLength + 1
        let width = max(1, min(endColumn, lineLength + 1) - startColumn)
        // Tabs stay tabs under the caret so it lines up in any terminal.
        let indent = String(line.prefix(startColumn - 1).map { $0 == "\t" ? "\t" : " " })
        var caretLine = "  \(gutter) | \(indent)\(String(repeating: "^", count: width))"
        if let label { caretLine += " \(label)" }
        return "  \(number) | \(line)\n\(caretLine)\n"
    }
}

extension Array where Element == Diagnostic {
    /// `1 error, 2 warnings`, or `no problems`.
    public var summary: String {
        let errors = filter { $0.severity == .error }.count
        let warnings = count - errors
        if errors == 0 && warnings == 0 { return "no problems" }
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        return [errors > 0 ? plural(errors, "error") : nil, warnings > 0 ? plural(warnings, "warning") : nil]
            .compactMap { $0 }.joined(separator: ", ")
    }
}
