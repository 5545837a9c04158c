extension GatewayConfig {
    /// Settings for redacting data before it reaches a backend (`redaction`).
    public struct Redaction: Sendable {
        /// The key for `hash` redactions (`hashKey`), at least 16 characters; `nil` if not
        /// configured, in which case a policy that hashes can't be loaded.
        public let hashKey: Secret?

        /// Redaction settings with `hashKey`.
        public init(hashKey: Secret? = nil) {
            self.hashKey = hashKey
        }

        /// The shortest `hashKey` accepted, in characters.
        public static let minimumHashKeyLength = 16
    }
}
