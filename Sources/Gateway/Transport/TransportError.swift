/// Errors of the WebSocket transport.
public enum TransportError: Error, Sendable, Equatable {
    /// The connection is not open (not yet connected, closing or closed).
    case notConnected
    /// A listener or backend uses a security profile this transport does not implement yet (TLS).
    case unsupportedSecurityProfile(GatewayConfig.SecurityProfile)
    /// A listener's security profile 0 lacks `allowInsecure: true`.
    case insecureListenerNotAllowed(address: String)
    /// A backend URL this transport cannot connect to (not `ws://`, or no host).
    case unsupportedURL(String)
    /// The listener was already started or shut down.
    case alreadyStarted
}
