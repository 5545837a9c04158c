extension GatewayConfig {
    /// TLS settings for a `wss://` backend (`backends[i].tls`).
    ///
    /// Paths are absolute; the files and folder existed at load time (their contents are read later).
    public struct BackendTLS: Sendable {
        /// CA certificates to trust for the backend's server certificate (`ca`); `nil` means the
        /// system's trust store.
        public let ca: String?
        /// A client certificate for profile 3 (`certificate`), with ``privateKey``.
        public let certificate: String?
        /// The private key of ``certificate`` (`privateKey`).
        public let privateKey: String?
        /// A folder of per-charge-point client certificates for profile 3 (`certificateDir`).
        public let certificateDir: String?
        /// Skips verifying the backend's certificate (`insecureSkipVerify`); for tests only.
        public let insecureSkipVerify: Bool

        /// Creates TLS settings from values that are already checked.
        public init(
            ca: String? = nil, certificate: String? = nil, privateKey: String? = nil,
            certificateDir: String? = nil, insecureSkipVerify: Bool = false
        ) {
            self.ca = ca
            self.certificate = certificate
            self.privateKey = privateKey
            self.certificateDir = certificateDir
            self.insecureSkipVerify = insecureSkipVerify
        }

        /// Whether a client certificate is configured (a pair or a folder).
        public var hasClientCertificate: Bool { certificate != nil || certificateDir != nil }
    }
}
