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
    /// The link of each connected charge point, for a new connection to take over from.
    let links = ActiveLinks()
    /// The links' once-a-second ticks: one timer per event loop.
    let ticks = LinkTicks()
    /// Store completions, handed to the event loops in batches.
    let mailboxes = LoopMailboxes()
    /// How long a newly connected charge point's first messages wait for its backend connections
    /// to come up: a charge point boots the moment it connects, before the gateway's own
    /// connections onward can be up, and its BootNotification must not find every backend absent.
    public let initialConnectGrace: TimeAmount
    /// The TLS contexts of listeners and backends; loaded by ``GatewayServer/start()``, replaced
    /// by ``GatewayServer/reload()``.
    public let tls: TLSContexts
    /// The durable store: transaction records, the outbound queues for absent backends, session
    /// records. `nil` only for tests of the in-memory behaviour: then nothing is queued.
    public let store: (any GatewayStore)?
    /// Backends' recent Accepted Authorize answers, for `offline.authorizeCacheTTL`.
    public let authorizeCache = AuthorizeCache()
    /// The open-file budget: charge points are admitted while they and their onward connections
    /// fit under the process's limit, and refused with 503 past it.
    public let sockets: SocketBudget

    /// - Parameter sockets: the open-file budget; by default from the process's soft limit now.
    public init(config: GatewayConfig, policies: PolicyStore, redactor: Redactor, logger: Logger,
                backendOptions: BackendConnector.Options? = nil, initialConnectGrace: TimeAmount = .seconds(3),
                store: (any GatewayStore)? = nil, sockets: SocketBudget? = nil) {
        self.config = config
        self.policies = policies
        self.redactor = redactor
        self.logger = logger
        let sockets = sockets ?? SocketBudget.forProcess()
        self.sockets = sockets
        var backendOptions = backendOptions ?? BackendConnector.Options(maxFrameSize: config.maxFrameSize)
        if backendOptions.socketBudget == nil { backendOptions.socketBudget = sockets }
        self.backendOptions = backendOptions
        self.snapshots = SessionSnapshots()
        self.initialConnectGrace = initialConnectGrace
        self.tls = TLSContexts(config: config, logger: logger)
        self.store = store
    }
}
