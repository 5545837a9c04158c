import PolicyLang

/// `chargemux lint`: compiles policy files and reports every finding.
struct LintTool: Sendable {
    /// The policy files, as given.
    var files: [String]
    /// The gateway config (`--config`).
    var configPath: String?
    /// Text, JSON or SARIF.
    var format: LintFormat = .text
    /// Whether warnings fail the run too.
    var strict = false
    /// Where the config's `env:` values come from.
    var environment: [String: String] = [:]

    /// Lints every file; exit 1 on errors (or on warnings with `strict`), else 0.
    func run() -> ToolOutput {
        let config: ConfigInput?
        do { config = try ConfigInput.load(path: configPath, environment: environment) } catch { return error.output }
        let linted = files.map { path in
            LintedFile(path: path, compilation: PolicyPipeline.compile(path: path, configBackends: config?.backendNames))
        }
        let errors = linted.reduce(0) { $0 + $1.errorCount }
        let warnings = linted.reduce(0) { $0 + $1.warningCount }
        let text: String = switch format {
        case .text: LintTextFormatter.render(linted)
        case .json: LintJSONFormatter.document(linted).prettyPrinted + "\n"
        case .sarif: SARIFFormatter.document(linted).prettyPrinted + "\n"
        }
        let failed = errors > 0 || (strict && warnings > 0)
        return ToolOutput(stdout: text, stderr: "", status: failed ? .findings : .ok)
    }
}
