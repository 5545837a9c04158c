import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import OCPP

/// Keeps one OCPP-J WebSocket connection to a backend open on behalf of one charge point.
///
/// It connects to ``GatewayConfig/Backend/url(for:)`` (`ws://`, or `wss://` for security profiles
/// 2 and 3: the backend's certificate verified, a client certificate for 3), offers one OCPP
/// subprotocol, sends Basic auth (user = charge point id) when the backend has a password, and
/// accepts the upgrade only if the backend echoes exactly the offered subprotocol. Frames are
/// masked; fragmented messages are reassembled. When a connection attempt fails or an open
/// connection drops, it reconnects after a ``Backoff`` delay, until ``stop()``.
///
/// Events go to the delegate on ``eventLoop``: `connected` after each successful upgrade,
/// `disconnected` when such a connection ends, `received` for each text message in between.
/// `attemptFailed` for each attempt that fails. The connector holds its delegate strongly until ``stop()``
/// has completed, then lets go of it, so a session that owns its connectors and is their
/// delegate is not kept alive by them.
public final class BackendConnector: Sendable {
    /// What the connector reports to its delegate.
    public enum Event: Sendable, Equatable {
        /// A connection is open, speaking `subprotocol`.
        case connected(subprotocol: String)
        /// The open connection ended; `code` as in ``ChargePointConnectionDelegate/didClose(code:)``.
        case disconnected(code: WebSocketErrorCode?)
        /// A text message arrived.
        case received(text: String)
        /// An attempt to connect failed (refused, timed out, upgrade refused); the next attempt
        /// follows after the backoff delay.
        case attemptFailed(reason: String)
    }

    /// Timeouts, limits and the reconnect policy.
    public struct Options: Sendable {
        /// The reconnect delays.
        public var backoff: Backoff
        /// How long a TCP connect may take.
        public var connectTimeout: TimeAmount
        /// How long the backend may take to answer the upgrade request.
        public var handshakeTimeout: TimeAmount
        /// How long a close handshake may take.
        public var closeTimeout: TimeAmount
        /// How long the backend may leave messages unread before the connection is dropped.
        public var stallTimeout: TimeAmount
        /// How often to ping the backend; a backend silent for two whole intervals (no pong, no
        /// message) is taken for dead and the connector reconnects. `nil` (the default): no pings.
        public var pingInterval: TimeAmount?
        /// The largest message accepted from the backend, in bytes.
        public var maxFrameSize: Int
        /// Where connection attempts that fail for want of file descriptors are counted (and
        /// logged, rate-limited); `nil`: they are only logged at `debug` like other failures.
        public var socketBudget: SocketBudget?

        /// Options with the given values; the defaults suit production.
        public init(
            backoff: Backoff = Backoff(), connectTimeout: TimeAmount = .seconds(10),
            handshakeTimeout: TimeAmount = .seconds(10), closeTimeout: TimeAmount = .seconds(5),
            stallTimeout: TimeAmount = .seconds(30), pingInterval: TimeAmount? = nil,
            maxFrameSize: Int = GatewayConfig.defaultMaxFrameSize, socketBudget: SocketBudget? = nil
        ) {
            self.socketBudget = socketBudget
            self.stallTimeout = stallTimeout
            self.pingInterval = pingInterval
            self.backoff = backoff
            self.connectTimeout = connectTimeout
            self.handshakeTimeout = handshakeTimeout
            self.closeTimeout = closeTimeout
            self.maxFrameSize = maxFrameSize
        }
    }

    private enum State {
        case idle
        case connecting(channel: (any Channel)?)
        case connected(ConnectionHandle, since: NIODeadline)
        case waiting(Scheduled<Void>)
        case stopped
    }

    /// The backend's name.
    public let backendName: String
    /// The charge point id the connector connects as.
    public let chargePointId: String
    /// The subprotocol offered, e.g. `ocpp1.6`.
    public let subprotocol: String
    /// The event loop the connector and its delegate run on.
    public let eventLoop: any EventLoop

    let url: URL
    let password: Secret?
    /// The TLS context for `wss://`; `nil` for `ws://`.
    let tlsContext: NIOSSLContext?
    let options: Options
    let logger: Logger
    private let delegate: NIOLoopBoundBox<(any BackendConnectorDelegate)?>
    private let state = NIOLockedValueBox(State.idle)
    /// Failed attempts since the last stable connection; only touched on the event loop.
    private let failures: NIOLoopBoundBox<Int>

    /// A connector to `backend` as charge point `chargePointId`, speaking `version` (the
    /// backend's `ocppVersion`, or the version the charge point negotiated). Nothing happens until
    /// ``start()``. The delegate can be given here or, from code running on `eventLoop`, with
    /// ``setDelegate(_:)``. Throws ``TransportError/unsupportedURL(_:)`` for a URL it cannot use.
    /// For `wss://`, `tlsContext` is the client context to use (the gateway passes the one from
    /// ``TLSContexts``); without one it is built from `backend.tls` here, which throws
    /// ``TLSSetupError`` for unusable or expired certificates.
    public init(
        backend: GatewayConfig.Backend, chargePointId: String, version: OCPPVersion,
        eventLoop: any EventLoop, options: Options = Options(), logger: Logger,
        tlsContext: NIOSSLContext? = nil,
        delegate: sending (any BackendConnectorDelegate)? = nil
    ) throws {
        let url = backend.url(for: chargePointId)
        let scheme = url.scheme?.lowercased()
        guard scheme == "ws" || scheme == "wss", url.host != nil,
              (scheme == "wss") == backend.securityProfile.usesTLS
        else {
            throw TransportError.unsupportedURL(url.absoluteString)
        }
        if scheme == "wss" {
            self.tlsContext = try tlsContext
                ?? NIOSSLContext(configuration: .backendClient(backend, chargePointId: chargePointId))
        } else {
            self.tlsContext = nil
        }
        self.backendName = backend.name
        self.chargePointId = chargePointId
        self.subprotocol = version.subprotocol
        self.eventLoop = eventLoop
        self.url = url
        self.password = backend.password(for: chargePointId)
        self.options = options
        var logger = logger
        logger[metadataKey: "backend"] = "\(backend.name)"
        logger[metadataKey: "chargePointId"] = "\(chargePointId)"
        self.logger = logger
        self.delegate = NIOLoopBoundBox.makeBoxSendingValue(delegate, eventLoop: eventLoop)
        self.failures = NIOLoopBoundBox.makeBoxSendingValue(0, eventLoop: eventLoop)
    }

    /// Sets the delegate; must be called on ``eventLoop`` (for example by a session that lives
    /// there and creates its connectors).
    public func setDelegate(_ delegate: (any BackendConnectorDelegate)?) {
        self.delegate.value = delegate
    }

    /// Starts connecting (once; later calls do nothing).
    public func start() {
        onLoop { connector in
            let shouldStart = connector.state.withLockedValue { state -> Bool in
                guard case .idle = state else { return false }
                state = .connecting(channel: nil)
                return true
            }
            if shouldStart { connector.connect() }
        }
    }

    /// Whether a connection is open.
    public var isConnected: Bool {
        state.withLockedValue { if case .connected = $0 { true } else { false } }
    }

    /// Sends `text` if a connection is open and returns whether it was handed to one; a `false`
    /// means not connected. `promise`, if given, reports whether the write itself succeeded.
    @discardableResult
    public func send(text: String, promise: EventLoopPromise<Void>? = nil) -> Bool {
        let handle: ConnectionHandle? = state.withLockedValue { state in
            if case .connected(let handle, _) = state { return handle }
            return nil
        }
        guard let handle else {
            promise?.fail(TransportError.notConnected)
            return false
        }
        handle.send(text: text, promise: promise)
        return true
    }

    /// Stops reconnecting and closes the open connection (1001 "going away"); the future
    /// succeeds when the connection, if any, has closed and its `disconnected` event has been
    /// delivered. After that the connector emits nothing and has let go of its delegate.
    @discardableResult
    public func stop() -> EventLoopFuture<Void> {
        let delegate = self.delegate
        return closeForStop().hop(to: eventLoop).always { _ in delegate.value = nil }
    }

    private func closeForStop() -> EventLoopFuture<Void> {
        let previous = state.withLockedValue { state -> State in
            defer { state = .stopped }
            return state
        }
        switch previous {
        case .waiting(let scheduled):
            scheduled.cancel()
            return eventLoop.makeSucceededVoidFuture()
        case .connecting(let channel?):
            channel.close(promise: nil)
            return channel.closeFuture
        case .connected(let handle, _):
            let promise = eventLoop.makePromise(of: Void.self)
            handle.close(code: .goingAway, reason: "gateway disconnecting", promise: promise)
            return promise.futureResult
        case .idle, .stopped, .connecting(nil):
            return eventLoop.makeSucceededVoidFuture()
        }
    }

    // MARK: - Connecting

    private func connect() {
        eventLoop.assertInEventLoop()
        // Foundation may keep the brackets of an IPv6 literal in `host`; connecting needs it bare.
        guard let host = url.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else { return }
        let port = url.port ?? (tlsContext == nil ? 80 : 443)
        ClientBootstrap(group: eventLoop)
            .connectTimeout(options.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.configurePipeline(channel: channel, host: host, port: port)
                }
            }
            .connect(host: host, port: port)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    let current = state.withLockedValue { state -> Bool in
                        guard case .connecting(nil) = state else { return false }
                        state = .connecting(channel: channel)
                        return true
                    }
                    guard current else {
                        channel.close(promise: nil)
                        return
                    }
                    channel.closeFuture.whenComplete { [self] _ in self.channelClosed(channel) }
                case .failure(let error):
                    if SocketBudget.isExhaustion(error) { options.socketBudget?.backendConnectFailed(logger: logger) }
                    attemptFailed(reason: "connect failed: \(error)")
                }
            }
    }

    /// On the event loop, once the upgrade succeeded and the WebSocket handlers are in place.
    func upgraded(channel: any Channel, handler: WebSocketConnectionHandler) {
        let handle = ConnectionHandle(chargePointId: chargePointId, subprotocol: subprotocol, channel: channel, handler: handler)
        let isCurrent = state.withLockedValue { state -> Bool in
            guard case .connecting(let connecting) = state, connecting === channel || connecting == nil else { return false }
            state = .connected(handle, since: .now())
            return true
        }
        guard isCurrent else {
            channel.close(promise: nil)
            return
        }
        handler.onText = { [self] text in emit(.received(text: text)) }
        handler.onClose = { [self] code in connectionEnded(handle, code: code) }
        logger.info("connected to backend", metadata: ["subprotocol": "\(subprotocol)"])
        emit(.connected(subprotocol: subprotocol))
    }

    private func connectionEnded(_ handle: ConnectionHandle, code: WebSocketErrorCode?) {
        let outcome = state.withLockedValue { state -> (wasCurrent: Bool, uptime: TimeAmount) in
            guard case .connected(let current, let since) = state, current === handle else { return (false, .zero) }
            state = .connecting(channel: nil)
            return (true, .now() - since)
        }
        // After stop() the state is .stopped; still report the end of the connection.
        emit(.disconnected(code: code))
        guard outcome.wasCurrent else { return }
        if outcome.uptime >= options.backoff.resetAfter { failures.value = 0 }
        logger.info("backend connection closed", metadata: [
            "closeCode": "\(code.map { "\(UInt16(webSocketErrorCode: $0))" } ?? "none")",
        ])
        scheduleReconnect()
    }

    private func channelClosed(_ channel: any Channel) {
        let wasConnecting = state.withLockedValue { state -> Bool in
            guard case .connecting(let connecting) = state, connecting === channel else { return false }
            state = .connecting(channel: nil)
            return true
        }
        if wasConnecting { attemptFailed(reason: "handshake failed") }
    }

    private func attemptFailed(reason: String) {
        eventLoop.assertInEventLoop()
        let stillConnecting = state.withLockedValue { state -> Bool in
            if case .connecting = state { return true }
            return false
        }
        guard stillConnecting else { return }
        logger.debug("backend connection attempt failed", metadata: ["reason": "\(reason)"])
        scheduleReconnect()
        emit(.attemptFailed(reason: reason))
    }

    private func scheduleReconnect() {
        eventLoop.assertInEventLoop()
        let attempt = failures.value
        failures.value = attempt + 1
        let delay = options.backoff.delay(forAttempt: attempt)
        let didSchedule = state.withLockedValue { state -> Bool in
            guard case .connecting = state else { return false }
            let scheduled = eventLoop.scheduleTask(in: delay) { [self] in
                let proceed = self.state.withLockedValue { state -> Bool in
                    guard case .waiting = state else { return false }
                    state = .connecting(channel: nil)
                    return true
                }
                if proceed { self.connect() }
            }
            state = .waiting(scheduled)
            return true
        }
        guard didSchedule else { return }
        logger.debug("backend reconnect scheduled", metadata: [
            "attempt": "\(attempt + 1)", "delayMs": "\(delay.nanoseconds / 1_000_000)",
        ])
    }

    /// The failed attempts counted since the last stable connection (for tests).
    func failureCount() -> EventLoopFuture<Int> {
        eventLoop.submit { [failures] in failures.value }
    }

    private func emit(_ event: Event) {
        delegate.value?.connector(self, didEmit: event)
    }

    private func onLoop(_ body: @escaping @Sendable (BackendConnector) -> Void) {
        if eventLoop.inEventLoop {
            body(self)
        } else {
            eventLoop.execute { [self] in body(self) }
        }
    }
}
