extension GatewayConfig.Listener {
    /// A host and port to listen on: `127.0.0.1:8180`, `[::1]:8180`, `0.0.0.0:8180`.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        /// The host name or IP address, without brackets for IPv6.
        public let host: String
        /// The TCP port, 1...65535.
        public let port: Int

        /// An address; `host` without brackets.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, with the host in brackets if it is an IPv6 address.
        public var description: String {
            host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}
