extension GatewayConfig {
    /// The OCPP security profiles: how a charge point and its central system authenticate.
    public enum SecurityProfile: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// No authentication, plain `ws://`. Listeners need `allowInsecure: true` for it.
        case unsecured = 0
        /// HTTP Basic authentication over plain `ws://`.
        case basicAuth = 1
        /// HTTP Basic authentication over TLS (`wss://`).
        case tlsBasicAuth = 2
        /// Mutual TLS: the client authenticates with a certificate (`wss://`).
        case mutualTLS = 3

        /// Whether the connection is TLS (`wss://`): profiles 2 and 3.
        public var usesTLS: Bool { rawValue >= 2 }

        /// Whether the client sends a Basic auth password: profiles 1 and 2.
        public var usesBasicAuth: Bool { self == .basicAuth || self == .tlsBasicAuth }

        /// `security profile N (what it means)`, for messages.
        public var description: String {
            switch self {
            case .unsecured: "security profile 0 (no authentication)"
            case .basicAuth: "security profile 1 (basic auth)"
            case .tlsBasicAuth: "security profile 2 (tls and basic auth)"
            case .mutualTLS: "security profile 3 (mutual tls)"
            }
        }
    }
}
