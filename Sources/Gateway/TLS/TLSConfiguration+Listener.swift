import NIOSSL

extension TLSConfiguration {
    /// The cipher suites OCPP requires a central system to offer for TLS 1.2 (TLS 1.3's suites are
    /// always on): ECDHE-ECDSA and RSA key exchange with AES-GCM.
    public static let ocppCipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        .TLS_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_RSA_WITH_AES_256_GCM_SHA384,
    ]

    /// The server side of a charge point listener on security profile 2 or 3: the gateway's
    /// certificate chain and key, TLS 1.2 or 1.3 only, ``ocppCipherSuites`` (BoringSSL never
    /// compresses). For profile 3 the charge point must present a certificate that chains to
    /// `clientCA` (validity checked by the handshake; the subject by ``ClientCertificateCheck``).
    ///
    /// Certificates are checked for validity now; an expired file is refused with its dates.
    public static func chargePointListener(
        _ tls: GatewayConfig.ListenerTLS, profile: GatewayConfig.SecurityProfile
    ) throws -> TLSConfiguration {
        let chain = try CertificateLoader.certificates(file: tls.certificate)
        let key = try CertificateLoader.privateKey(file: tls.privateKey)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.cipherSuiteValues = ocppCipherSuites
        if profile == .mutualTLS {
            guard let clientCA = tls.clientCA else {
                throw TLSSetupError.unreadable(file: tls.certificate, reason: "security profile 3 needs `clientCA`")
            }
            let roots = try CertificateLoader.certificates(file: clientCA)
            configuration.trustRoots = .certificates(roots)
            configuration.certificateVerification = .noHostnameVerification
        } else {
            configuration.certificateVerification = .none
        }
        return configuration
    }
}
