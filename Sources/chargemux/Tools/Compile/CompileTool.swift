import Runtime

/// `chargemux compile`: compiles a policy and prints a summary or its decision tree.
struct CompileTool: Sendable {
    /// The policy file.
    var path: String
    /// The gateway config (`--config`).
    var configPath: String?
    /// Print the whole decision tree instead of the summary line.
    var tree = false
    /// Where the config's `env:` values come from.
    var environment: [String: String] = [:]

    /// Exit 1 when the policy does not compile; warnings go to standard error.
    func run() -> ToolOutput {
        let loaded: LoadedPolicy
        do { loaded = try PolicyLoader.load(path: path, configPath: configPath, environment: environment) } catch {
            return error.output
        }
        let text = tree ? TreePrinter(policy: loaded.compiled).render() : Self.summary(loaded.compiled) + "\n"
        return ToolOutput(stdout: text, stderr: loaded.renderedWarnings, status: .ok)
    }

    /// `linking-world: ocpp 1.6, 17 rules, 4 backends (billing, ems, fleet, visitors), hash 0f1e...`.
    static func summary(_ policy: CompiledPolicy) -> String {
        "\(policy.name): ocpp \(policy.version.rawValue), \(plural(policy.rules.count, "rule")), "
            + "\(plural(policy.backends.count, "backend")) (\(policy.backends.joined(separator: ", "))), "
            + "hash \(policy.sourceHash)"
    }
}
