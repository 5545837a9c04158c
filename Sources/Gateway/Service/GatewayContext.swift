import Logging
import NIOCore
import Runtime

/// What every charge point's link shares: the config, the policy in force, the redactor and the
/// logger. Immutable apart from the policy store, which swaps policies atomically.
public struct GatewayContext: Sendable {
    public let config: GatewayConfig
    public let policies: PolicyStore
    public let redactor: Redactor
    public let logger: Logger
    /// Options for the onward connections to backends (backoff, timeouts).
    public let backendOptions: BackendConnector.Options
    /// Sessions of charge points that disconnected, for their next connection.
    public let snapshots: SessionSnapshots

    public init(config: GatewayConfig, policies: PolicyStore, redactor: Redactor, logger: Logger,
                backendOptions: BackendConnector.Options? = nil) {
        self.config = config
        self.policies = policies
        self.redactor = redactor
        self.logger = logger
        self.backendOptions = backendOptions ?? BackendConnector.Options(maxFrameSize: config.maxFrameSize)
        self.snapshots = SessionSnapshots()
    }
}
