import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOWebSocket
import OCPP

/// Accepts charge points: binds every configured ``GatewayConfig/Listener`` and upgrades
/// `GET {path}/{chargePointId}` requests to OCPP-J WebSocket connections.
///
/// Each request is decided by ``OCPPUpgradeDecision`` (path, id, credentials, subprotocol), after a
/// per-address ``AttemptRateLimiter`` check; refusals get a complete HTTP response and are logged
/// without credentials. Accepted connections get a ``ConnectionHandle`` and a delegate from the
/// session factory, and are registered in ``registry``; a newer connection with the same id
/// closes the older one with ``ConnectionHandle/replacedCloseCode``.
///
/// Security profiles 0 (with `allowInsecure`), 1, 2 (TLS + Basic auth) and 3 (mutual TLS) are
/// implemented; TLS contexts come from ``TLSContexts`` (built at ``start()`` unless given, and
/// replaced by a reload for new connections).
public final class ChargePointListener: Sendable {
    /// Timeouts and limits of the listener.
    public struct Options: Sendable {
        /// The OCPP versions accepted, in the gateway's order; the charge point's order of
        /// preference decides among them. Default: 1.6 only.
        public var supportedVersions: [OCPPVersion]
        /// How long a connection may take to send its upgrade request.
        public var handshakeTimeout: TimeAmount
        /// How long a close handshake may take before the connection is dropped.
        public var closeTimeout: TimeAmount
        /// How long a charge point may leave the gateway's messages unread (its connection
        /// unwritable) before it is disconnected.
        public var stallTimeout: TimeAmount
        /// How often to ping charge points; one silent for two whole intervals (no pong, no message)
        /// is taken for dead and disconnected. `nil` (the default): no pings, as charge points
        /// usually ping the central system themselves.
        public var pingInterval: TimeAmount?
        /// The limits on failed attempts per source address.
        public var rateLimit: AttemptRateLimiter.Configuration
        /// The open-file budget connections are admitted against; `nil`: one from the process's
        /// limit at ``ChargePointListener/init(config:options:eventLoopGroup:logger:tls:sessionFactory:)``.
        public var socketBudget: SocketBudget?
        /// The backend connections each admitted charge point may open (the gateway: its number
        /// of backends), counted against ``socketBudget``.
        public var onwardConnectionsPerChargePoint: Int
        /// The `Retry-After` (seconds) of a 503 at the open-file limit.
        public var overCapacityRetryAfter: Int
        /// The listening sockets' accept backlog (the system caps it at `net.core.somaxconn`):
        /// room for connections that arrive faster than they are accepted, as when a whole site
        /// reconnects at once.
        public var backlog: Int

        /// Options; the defaults accept OCPP 1.6 only.
        public init(
            supportedVersions: [OCPPVersion] = [.v16], handshakeTimeout: TimeAmount = .seconds(10),
            closeTimeout: TimeAmount = .seconds(5), stallTimeout: TimeAmount = .seconds(30),
            pingInterval: TimeAmount? = nil, rateLimit: AttemptRateLimiter.Configuration = .default,
            socketBudget: SocketBudget? = nil, onwardConnectionsPerChargePoint: Int = 0, overCapacityRetryAfter: Int = 60,
            backlog: Int = 1024
        ) {
            self.socketBudget = socketBudget
            self.onwardConnectionsPerChargePoint = onwardConnectionsPerChargePoint
            self.overCapacityRetryAfter = overCapacityRetryAfter
            self.backlog = backlog
            self.pingInterval = pingInterval
            self.supportedVersions = supportedVersions
            self.handshakeTimeout = handshakeTimeout
            self.closeTimeout = closeTimeout
            self.stallTimeout = stallTimeout
            self.rateLimit = rateLimit
        }
    }

    /// Creates the delegate of a newly accepted connection; called on the connection's event loop.
    public typealias SessionFactory = @Sendable (ChargePointIdentity, ConnectionHandle) -> any ChargePointConnectionDelegate

    /// The open connections by charge point id.
    public let registry = ConnectionRegistry()
    /// The failed-attempt limiter shared by all listeners.
    public let rateLimiter: AttemptRateLimiter
    /// The open-file budget charge points are admitted against.
    public let socketBudget: SocketBudget

    let config: GatewayConfig
    let options: Options
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let sessionFactory: SessionFactory
    /// The TLS contexts new connections use.
    public let tls: TLSContexts
    private let ownsTLS: Bool

    private enum Lifecycle {
        case idle
        case running(servers: [any Channel])
        case shutDown
    }

    private let lifecycle = NIOLockedValueBox(Lifecycle.idle)
    private let children = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    /// A listener for `config.listeners`; nothing is bound until ``start()``.
    public init(
        config: GatewayConfig, options: Options = Options(), eventLoopGroup: any EventLoopGroup,
        logger: Logger, tls: TLSContexts? = nil, sessionFactory: @escaping SessionFactory
    ) {
        self.tls = tls ?? TLSContexts(config: config, logger: logger)
        self.ownsTLS = tls == nil
        self.config = config
        self.options = options
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.sessionFactory = sessionFactory
        self.rateLimiter = AttemptRateLimiter(configuration: options.rateLimit)
        self.socketBudget = options.socketBudget ?? SocketBudget.forProcess()
    }

    /// Binds every listener and returns the bound addresses, in `config.listeners` order (port 0
    /// in the configuration binds a port the system chooses). Throws if a listener's security
    /// profile cannot be served (profile 0 without `allowInsecure`; certificates that cannot be
    /// loaded, or are expired: ``TLSSetupError``) or an address cannot be bound; nothing stays
    /// bound then. TLS contexts given to ``init`` must have been loaded already.
    public func start() async throws -> [SocketAddress] {
        for listener in config.listeners {
            switch listener.securityProfile {
            case .unsecured where !listener.allowInsecure:
                throw TransportError.insecureListenerNotAllowed(address: "\(listener.address)")
            case .unsecured, .basicAuth, .tlsBasicAuth, .mutualTLS:
                break
            }
        }
        if ownsTLS { try tls.load() }
        try lifecycle.withLockedValue { state in
            guard case .idle = state else { throw TransportError.alreadyStarted }
            state = .running(servers: [])
        }
        var servers: [any Channel] = []
        do {
            for (index, listener) in config.listeners.enumerated() {
                let server = try await bind(listener, index: index)
                servers.append(server)
                logger.info("listening for charge points", metadata: [
                    "address": "\(server.localAddress.map { "\($0)" } ?? "?")", "path": "\(listener.path)",
                    "securityProfile": "\(listener.securityProfile.rawValue)",
                ])
            }
        } catch {
            for server in servers { try? await server.close() }
            lifecycle.withLockedValue { $0 = .shutDown }
            throw error
        }
        let bound = servers
        lifecycle.withLockedValue { $0 = .running(servers: bound) }
        return servers.compactMap(\.localAddress)
    }

    /// The addresses bound while running (empty before ``start()`` and after ``shutdown()``).
    public var boundAddresses: [SocketAddress] {
        lifecycle.withLockedValue { state in
            if case .running(let servers) = state { return servers.compactMap(\.localAddress) }
            return []
        }
    }

    /// Stops listening and closes every connection (open WebSockets with 1001 "going away"),
    /// waiting at most the close timeout for their close handshakes.
    public func shutdown() async {
        let servers: [any Channel] = lifecycle.withLockedValue { state in
            defer { state = .shutDown }
            if case .running(let servers) = state { return servers }
            return []
        }
        for server in servers { try? await server.close() }
        let open = children.withLockedValue { Array($0.values) }
        let upgraded = Set(registry.all.map { ObjectIdentifier($0.channel) })
        for handle in registry.all { handle.close(code: .goingAway, reason: "gateway shutting down") }
        for channel in open where !upgraded.contains(ObjectIdentifier(channel)) { channel.close(promise: nil) }
        for channel in open { try? await channel.closeFuture.get() }
    }

    private func bind(_ listener: GatewayConfig.Listener, index: Int) async throws -> any Channel {
        let budget = socketBudget
        let logger = logger
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: Int32(clamping: options.backlog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Out of descriptors, `accept` fails until some are closed: pause accepting
                    // (the connections wait in the backlog) instead of retrying in a busy loop.
                    try channel.pipeline.syncOperations.addHandler(AcceptFailureHandler(budget: budget, logger: logger))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard try self.trackChild(channel) else {
                        try self.socketBudget.shed(channel, retryAfterSeconds: self.options.overCapacityRetryAfter,
                                                   logger: self.logger)
                        return
                    }
                    try self.configureChargePointPipeline(channel: channel, listener: listener, index: index)
                }
            }
            .bind(host: listener.address.host, port: listener.address.port)
            .get()
    }

    /// Tracks a new connection; returns false if it is over the open-file budget (see
    /// ``SocketBudget/track(_:)``).
    private func trackChild(_ channel: any Channel) throws -> Bool {
        let key = ObjectIdentifier(channel)
        let accepting = lifecycle.withLockedValue { state -> Bool in
            if case .running = state { return true }
            return false
        }
        guard accepting else { throw ChannelError.ioOnClosedChannel }
        let admitted = socketBudget.track(channel)
        children.withLockedValue { $0[key] = channel }
        channel.closeFuture.whenComplete { [children] _ in
            children.withLockedValue { $0[key] = nil }
        }
        return admitted
    }

    /// Runs on the connection's event loop once the upgrade response has been sent.
    func accepted(
        channel: any Channel, id: String, version: OCPPVersion, listener: GatewayConfig.Listener,
        handler: WebSocketConnectionHandler
    ) {
        let handle = ConnectionHandle(chargePointId: id, subprotocol: version.subprotocol, channel: channel, handler: handler)
        let identity = ChargePointIdentity(id: id, ocppVersion: version, securityProfile: listener.securityProfile)
        let delegate = sessionFactory(identity, handle)
        let registry = self.registry
        let logger = self.logger
        handler.onText = { [delegate] text in delegate.didReceive(text: text) }
        handler.onClose = { [delegate] code in
            registry.unregister(handle)
            logger.info("charge point disconnected", metadata: [
                "chargePointId": "\(id)", "closeCode": "\(code.map { "\(UInt16(webSocketErrorCode: $0))" } ?? "none")",
            ])
            delegate.didClose(code: code)
        }
        logger.info("charge point connected", metadata: [
            "chargePointId": "\(id)", "subprotocol": "\(version.subprotocol)",
            "remote": "\(channel.remoteAddress.map { "\($0)" } ?? "?")",
        ])
        if let replaced = registry.register(handle) {
            logger.info("closing replaced connection", metadata: ["chargePointId": "\(id)"])
            replaced.close(code: ConnectionHandle.replacedCloseCode, reason: ConnectionHandle.replacedCloseReason)
        }
        // An upgrade that completes while shutdown() runs would otherwise be missed by it.
        let shuttingDown = lifecycle.withLockedValue { state -> Bool in
            if case .shutDown = state { return true }
            return false
        }
        if shuttingDown { handle.close(code: .goingAway, reason: "gateway shutting down") }
    }
}
