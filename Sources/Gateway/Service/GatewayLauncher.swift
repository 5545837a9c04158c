import Foundation
import Logging
import Runtime

/// Loads and checks everything the gateway needs before it starts: the config, the policy
/// (checked against the config's backends) and the redaction key. The gateway refuses to start
/// on any problem and says which file, line and key.
public enum GatewayLauncher {
    /// Why the gateway refused to start, rendered for the operator.
    public struct LaunchError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The context for `GatewayServer`, from the config file at `configPath`.
    ///
    /// - Parameter adjust: changes the loaded config before use (tests and the demo listen on
    ///   system-chosen ports).
    public static func prepare(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                               logger: Logger, adjust: (GatewayConfig) -> GatewayConfig = { $0 }) throws(LaunchError) -> GatewayContext {
        let config: GatewayConfig
        do {
            config = adjust(try GatewayConfig.load(path: configPath, environment: environment))
        } catch {
            throw LaunchError(description: "\(error)")
        }
        let policies: PolicyStore
        do {
            policies = try PolicyStore(path: config.policyPath, backendNames: config.backendNames)
        } catch {
            throw LaunchError(description: error.rendered)
        }
        let key = config.redaction.hashKey?.reveal()
        if key == nil, usesHashRedaction(policies.current.policy) {
            throw LaunchError(description: "\(configPath): error[config]: the policy pseudonymises fields (`as hash`) but "
                + "the config has no `redaction.hashKey`\n  help: add `redaction: { hashKey: env:CHARGEMUX_HASH_KEY }` "
                + "and set the variable to a secret of 16 or more characters")
        }
        var options = SQLiteGatewayStore.Options()
        for backend in config.backends {
            if let limits = backend.queueLimits { options.queueLimits[backend.name] = limits }
        }
        let store: (any GatewayStore)?
        do {
            store = config.store == .memoryOnly ? nil : try GatewayStores.open(config.store, options: options)
        } catch {
            throw LaunchError(description: "\(configPath): error[store]: cannot open the store \(config.store): \(error)")
        }
        return GatewayContext(config: config, policies: policies, redactor: Redactor(hashKey: Array((key ?? "").utf8)),
                              logger: logger, store: store)
    }

    /// Whether any redaction of the policy is `hash`.
    static func usesHashRedaction(_ policy: CompiledPolicy) -> Bool {
        policy.redactions.contains { plan in
            (plan.request + plan.response).joined().contains { if case .hash = $0.mode { true } else { false } }
        }
    }
}
