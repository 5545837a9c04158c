import Foundation
import NIOSSL

extension TLSConfiguration {
    /// The client side of a `wss://` backend connection: TLS 1.2 or 1.3, ``ocppCipherSuites`` plus
    /// the ECDHE-RSA GCM suites (a backend may only have those), the backend's certificate
    /// verified against `tls.ca` (or the system's trust store) and its host name, unless
    /// `insecureSkipVerify`. For profile 3 the client certificate is `certificate`/`privateKey`,
    /// or `<certificateDir>/<chargePointId>.pem` and `.key` when a folder is configured.
    public static func backendClient(
        _ backend: GatewayConfig.Backend, chargePointId: String?
    ) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.cipherSuiteValues = ocppCipherSuites + [
            .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ]
        let tls = backend.tls
        if let ca = tls?.ca {
            configuration.trustRoots = .certificates(try CertificateLoader.certificates(file: ca))
        }
        if tls?.insecureSkipVerify == true {
            configuration.certificateVerification = .none
        }
        guard backend.securityProfile == .mutualTLS, let tls else { return configuration }
        var files: (certificate: String, key: String)?
        if let directory = tls.certificateDir, let chargePointId {
            let certificate = (directory as NSString).appendingPathComponent("\(chargePointId).pem")
            let key = (directory as NSString).appendingPathComponent("\(chargePointId).key")
            if FileManager.default.fileExists(atPath: certificate), FileManager.default.fileExists(atPath: key) {
                files = (certificate, key)
            }
        }
        if files == nil, let certificate = tls.certificate, let key = tls.privateKey {
            files = (certificate, key)
        }
        guard let (certificateFile, keyFile) = files else {
            throw TLSSetupError.missingChargePointCertificate(
                directory: tls.certificateDir ?? "certificateDir", chargePointId: chargePointId ?? "?")
        }
        let chain = try CertificateLoader.certificates(file: certificateFile)
        configuration.certificateChain = chain.map { .certificate($0) }
        configuration.privateKey = .privateKey(try CertificateLoader.privateKey(file: keyFile))
        return configuration
    }
}
