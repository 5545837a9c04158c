extension GatewayConfig {
    /// One place where charge points connect: `ws://ADDRESS/PATH/{chargePointId}` (`listen[i]`).
    public struct Listener: Sendable {
        /// The host and port to bind (`address`).
        public let address: Address
        /// The path before the charge point id (`path`, default `/ocpp`): starts with `/`, no
        /// trailing `/` unless it is `/` itself.
        public let path: String
        /// How charge points authenticate (`securityProfile`, default 1).
        public let securityProfile: SecurityProfile
        /// Whether profile 0 (no authentication) was explicitly allowed (`allowInsecure`).
        public let allowInsecure: Bool
        /// The server certificate and client checks; present exactly for profiles 2 and 3.
        public let tls: ListenerTLS?

        /// Creates a listener from values that are already checked.
        public init(
            address: Address, path: String = defaultPath, securityProfile: SecurityProfile = .basicAuth,
            allowInsecure: Bool = false, tls: ListenerTLS? = nil
        ) {
            self.address = address
            self.path = path
            self.securityProfile = securityProfile
            self.allowInsecure = allowInsecure
            self.tls = tls
        }

        /// The default `path`: `/ocpp`.
        public static let defaultPath = "/ocpp"
    }
}
