import NIOWebSocket

/// What the gateway's session layer implements for each accepted charge point connection.
///
/// The listener creates one delegate per connection with its session factory, right after the
/// WebSocket upgrade. Every callback runs on the connection's event loop
/// (``ConnectionHandle/eventLoop``), one at a time, so a delegate needs no locking for state only
/// it touches; it must not block.
public protocol ChargePointConnectionDelegate: AnyObject {
    /// A complete text message arrived (fragments already reassembled, UTF-8 checked).
    func didReceive(text: String)
    /// The connection closed; `code` is the close code the peer sent (or the one the gateway
    /// sent if the peer sent none), `nil` if the connection dropped without a close frame.
    /// Called exactly once; nothing is received afterwards.
    func didClose(code: WebSocketErrorCode?)
}
