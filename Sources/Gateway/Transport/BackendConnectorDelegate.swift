import NIOWebSocket

/// What a ``BackendConnector`` reports; always on its event loop.
public protocol BackendConnectorDelegate: AnyObject {
    /// The connector connected, lost its connection or received a text message.
    func connector(_ connector: BackendConnector, didEmit event: BackendConnector.Event)
}
