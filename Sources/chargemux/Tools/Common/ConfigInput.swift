import Gateway

/// What the dry-run tools take from a gateway config: its backend names and its hash key.
struct ConfigInput: Sendable {
    /// The config's backends in file order; a policy may then name only these.
    var backendNames: [String]
    /// `redaction.hashKey`, if configured.
    var hashKey: [UInt8]?

    /// Loads the config at `path`; `nil` without a path. A config with problems fails with every
    /// problem on standard error (exit 1).
    static func load(path: String?, environment: [String: String]) throws(ToolFailure) -> ConfigInput? {
        guard let path else { return nil }
        do {
            let config = try GatewayConfig.load(path: path, environment: environment)
            return ConfigInput(backendNames: config.backendNames,
                               hashKey: config.redaction.hashKey.map { Array($0.reveal().utf8) })
        } catch {
            let count = error.diagnostics.count
            throw ToolFailure(error.description + "\n`\(path)`: \(count) config error\(count == 1 ? "" : "s")")
        }
    }
}
