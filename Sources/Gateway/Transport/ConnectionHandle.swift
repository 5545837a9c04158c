import NIOCore
import NIOWebSocket

/// A handle on one open OCPP-J WebSocket connection: what a session uses to send and close.
///
/// Sendable and callable from any thread or task; work hops to the connection's event loop.
/// Delegate callbacks for the connection run on ``eventLoop``.
public final class ConnectionHandle: Sendable, Hashable, CustomStringConvertible {
    /// The charge point id the connection belongs to (on a backend connection: the id the gateway
    /// connects as).
    public let chargePointId: String
    /// The negotiated subprotocol, e.g. `ocpp1.6`.
    public let subprotocol: String
    /// The peer's address.
    public let remoteAddress: SocketAddress?
    /// The event loop the connection and its callbacks run on (kept: a channel's never changes,
    /// and reading it through the channel costs on every send).
    public let eventLoop: any EventLoop

    let channel: any Channel
    private let handler: NIOLoopBound<WebSocketConnectionHandler>

    /// The close code used when a newer connection with the same charge point id replaces this one.
    public static let replacedCloseCode = WebSocketErrorCode.unknown(4000)
    /// The close reason used when a newer connection replaces this one.
    public static let replacedCloseReason = "replaced by a new connection"

    /// Must be called on the channel's event loop.
    init(chargePointId: String, subprotocol: String, channel: any Channel, handler: WebSocketConnectionHandler) {
        self.chargePointId = chargePointId
        self.subprotocol = subprotocol
        self.remoteAddress = channel.remoteAddress
        self.channel = channel
        self.eventLoop = channel.eventLoop
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    /// Sends `text` as one WebSocket text message. `promise`, if given, fails with
    /// ``TransportError/notConnected`` when the connection is closing or closed.
    public func send(text: String, promise: EventLoopPromise<Void>? = nil) {
        if eventLoop.inEventLoop {
            handler.value.send(text: text, promise: promise)
        } else {
            let handler = self.handler
            eventLoop.execute { handler.value.send(text: text, promise: promise) }
        }
    }

    /// Closes the connection with a close handshake (`code`, `reason`); `promise`, if given,
    /// succeeds when the connection is closed.
    public func close(code: WebSocketErrorCode = .normalClosure, reason: String = "", promise: EventLoopPromise<Void>? = nil) {
        if eventLoop.inEventLoop {
            handler.value.close(code: code, reason: reason, promise: promise)
        } else {
            let handler = self.handler
            eventLoop.execute { handler.value.close(code: code, reason: reason, promise: promise) }
        }
    }

    /// Succeeds when the connection's channel has closed.
    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Handles are equal when they are the same connection.
    public static func == (lhs: ConnectionHandle, rhs: ConnectionHandle) -> Bool { lhs === rhs }

    /// Hashes the connection's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    /// `chargePointId@remoteAddress (subprotocol)`.
    public var description: String {
        "\(chargePointId)@\(remoteAddress.map { "\($0)" } ?? "?") (\(subprotocol))"
    }
}
