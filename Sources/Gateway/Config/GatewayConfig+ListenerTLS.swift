extension GatewayConfig {
    /// A listener's TLS settings (`listen[i].tls`), for security profiles 2 and 3.
    ///
    /// Paths are absolute; the files existed at load time (their contents are read later).
    public struct ListenerTLS: Sendable {
        /// The gateway's certificate chain, PEM (`certificate`).
        public let certificate: String
        /// The private key of ``certificate``, PEM (`privateKey`).
        public let privateKey: String
        /// The CA that signs charge point certificates (`clientCA`); required for profile 3.
        public let clientCA: String?
        /// Maps a client certificate's subject CN to a charge point id (`certificateIds`, profile 3).
        public let certificateIds: [String: String]
        /// The organization (O) client certificates must carry (`requireOrganization`, profile 3).
        public let requireOrganization: String?

        /// Creates TLS settings from values that are already checked.
        public init(
            certificate: String, privateKey: String, clientCA: String? = nil,
            certificateIds: [String: String] = [:], requireOrganization: String? = nil
        ) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.clientCA = clientCA
            self.certificateIds = certificateIds
            self.requireOrganization = requireOrganization
        }
    }
}
