extension GatewayConfig {
    /// Who may connect as which charge point (`chargePoints[i]`).
    public struct ChargePointCredential: Sendable {
        /// How the charge point proves who it is.
        public enum Credential: Sendable {
            /// The Basic auth password itself (`password`).
            case password(Secret)
            /// The SHA-256 of the Basic auth password as 64 lowercase hex digits (`passwordSha256`).
            case passwordSha256(Secret)
            /// A salted PBKDF2-HMAC-SHA256 hash, from the `credentialsFile`.
            case pbkdf2(PasswordHash)
            /// No password: the charge point connects on security profile 3 only (`certificateOnly: true`).
            case certificateOnly
        }

        /// An exact charge point id, or a glob where `*` matches any run of characters and `?`
        /// matches one character (`id`).
        public let id: String
        /// The credential the charge point must present.
        public let credential: Credential

        /// Creates an entry from values that are already checked.
        public init(id: String, credential: Credential) {
            self.id = id
            self.credential = credential
        }

        /// Whether ``id`` is a glob (contains `*` or `?`).
        public var isPattern: Bool { id.contains("*") || id.contains("?") }

        /// Whether `chargePointId` is ``id`` or matches it as a glob.
        public func matches(_ chargePointId: String) -> Bool {
            Glob.matches(pattern: Array(id), text: Array(chargePointId))
        }
    }
}
