import PolicyLang

/// One policy file after `lint` compiled it.
struct LintedFile: Sendable {
    /// The path as the user gave it.
    var path: String
    /// What the pipeline made of it.
    var compilation: PolicyCompilation

    /// Every finding, sorted by position.
    var diagnostics: [Diagnostic] { compilation.diagnostics }
    /// How many findings are errors.
    var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    /// How many findings are warnings.
    var warningCount: Int { diagnostics.count - errorCount }

    /// `site.policy: 0 errors, 1 warning`.
    var summaryLine: String { "\(path): \(LintedFile.counts(errors: errorCount, warnings: warningCount))" }

    /// `0 errors, 1 warning`: both counts, always, so scripts can rely on the shape.
    static func counts(errors: Int, warnings: Int) -> String {
        "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    }

    /// Where `diagnostic` ends, 1-based; its start when the file's text is not at hand.
    func endPosition(of diagnostic: Diagnostic) -> SourcePosition {
        guard diagnostic.file == compilation.source.path else { return diagnostic.position }
        return compilation.source.position(of: diagnostic.span.end)
    }
}
