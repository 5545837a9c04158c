import PolicyLang

/// The text form of `lint`: each diagnostic as compilers print them, then a line per file.
enum LintTextFormatter {
    /// Every diagnostic, then the summary lines.
    static func render(_ files: [LintedFile]) -> String {
        var output = ""
        for file in files {
            let renderer = DiagnosticRenderer(sources: [file.compilation.source])
            for diagnostic in file.diagnostics {
                output += renderer.render(diagnostic) + "\n"
            }
        }
        for file in files { output += file.summaryLine + "\n" }
        if files.count > 1 {
            let errors = files.reduce(0) { $0 + $1.errorCount }
            let warnings = files.reduce(0) { $0 + $1.warningCount }
            output += "\(files.count) files: \(LintedFile.counts(errors: errors, warnings: warnings))\n"
        }
        return output
    }
}
