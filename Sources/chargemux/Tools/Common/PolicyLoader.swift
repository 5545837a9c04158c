import PolicyLang
import Runtime

/// A policy compiled for the dry-run tools, with the config it was checked against.
struct LoadedPolicy: Sendable {
    /// The decision tree.
    var compiled: CompiledPolicy
    /// The whole compilation, with its warnings and source.
    var compilation: PolicyCompilation
    /// The config given with `--config`, if any.
    var config: ConfigInput?

    /// The warnings of the compilation, rendered (empty when there are none).
    var renderedWarnings: String {
        let warnings = compilation.diagnostics.filter { $0.severity == .warning }
        guard !warnings.isEmpty else { return "" }
        return DiagnosticRenderer(sources: [compilation.source]).render(warnings) + "\n"
    }
}

/// Loads a policy (and optionally a gateway config) for `compile`, `explain` and `replay`.
enum PolicyLoader {
    /// Compiles `path` against the config at `configPath`. A policy with errors fails with its
    /// diagnostics on standard error and exit 1, like `lint`.
    static func load(path: String, configPath: String?,
                     environment: [String: String]) throws(ToolFailure) -> LoadedPolicy {
        let config = try ConfigInput.load(path: configPath, environment: environment)
        let compilation = PolicyPipeline.compile(path: path, configBackends: config?.backendNames)
        guard let compiled = compilation.compiled else {
            let renderer = DiagnosticRenderer(sources: [compilation.source])
            let errors = compilation.diagnostics.filter { $0.severity == .error }
            throw ToolFailure(renderer.render(errors) + "\n`\(path)`: \(errors.summary); run `chargemux lint` for details")
        }
        return LoadedPolicy(compiled: compiled, compilation: compilation, config: config)
    }
}
