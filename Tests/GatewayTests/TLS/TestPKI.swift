import Crypto
import Foundation
import Gateway
import NIOSSL
import SwiftASN1
import X509

/// Test certificates made at run time with swift-certificates and swift-crypto, written as PEM to
/// a fresh temporary folder (nothing is committed): a CA, server certificates for 127.0.0.1 (IP
/// SAN), client certificates with a CN and O, and expired or not yet valid ones.
final class TestPKI: @unchecked Sendable {
    // @unchecked: every property is a constant; swift-crypto's keys are not marked Sendable.
    /// A certificate and its key as files.
    struct Issued: Sendable {
        let certificatePath: String
        let keyPath: String
        let certificate: Certificate

        /// A client TLS configuration presenting this certificate.
        func clientTLS(trusting ca: TestPKI? = nil, maximumVersion: TLSVersion? = nil) throws -> TLSConfiguration {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
            if let ca { configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca.caPath)) }
            else { configuration.certificateVerification = .none }
            if let maximumVersion { configuration.maximumTLSVersion = maximumVersion }
            return configuration
        }
    }

    let directory: String
    let name: String
    let caKey: P256.Signing.PrivateKey
    let caCertificate: Certificate
    /// The CA certificate's PEM file.
    let caPath: String

    /// A new CA named `name` in a new temporary folder (or `directory`).
    init(name: String = "Test CA", directory: String? = nil) throws {
        let folder = directory ?? (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("chargemux-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        self.directory = folder
        self.name = name
        caKey = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(name); OrganizationName("chargemux tests") }
        caCertificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: Date().addingTimeInterval(-3_600), notValidAfter: Date().addingTimeInterval(86_400 * 30),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        caPath = (folder as NSString).appendingPathComponent("\(Self.fileName(name))-ca.pem")
        try Self.write(caCertificate, to: caPath)
    }

    /// A server certificate for 127.0.0.1 (IP SAN) and `localhost` (DNS SAN).
    func server(file: String = "server", notBefore: Date = Date().addingTimeInterval(-3_600),
                notAfter: Date = Date().addingTimeInterval(86_400)) throws -> Issued {
        try issue(file: file, commonName: "127.0.0.1", organization: nil, notBefore: notBefore, notAfter: notAfter,
                  sans: [.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])), .dnsName("localhost")])
    }

    /// A client certificate with subject CN = `commonName` (O = `organization`).
    func client(_ commonName: String, organization: String? = "Test Operator", file: String? = nil,
                notBefore: Date = Date().addingTimeInterval(-3_600),
                notAfter: Date = Date().addingTimeInterval(86_400)) throws -> Issued {
        try issue(file: file ?? "client-\(commonName)", commonName: commonName, organization: organization,
                  notBefore: notBefore, notAfter: notAfter, sans: [])
    }

    private func issue(file: String, commonName: String, organization: String?, notBefore: Date, notAfter: Date,
                       sans: [GeneralName]) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            CommonName(commonName)
            if let organization { OrganizationName(organization) }
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: caCertificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                if !sans.isEmpty { SubjectAlternativeNames(sans) }
            },
            issuerPrivateKey: .init(caKey))
        let certificatePath = (directory as NSString).appendingPathComponent("\(Self.fileName(file)).pem")
        let keyPath = (directory as NSString).appendingPathComponent("\(Self.fileName(file)).key")
        try Self.write(certificate, to: certificatePath)
        try key.pemRepresentation.write(toFile: keyPath, atomically: true, encoding: .utf8)
        return Issued(certificatePath: certificatePath, keyPath: keyPath, certificate: certificate)
    }

    /// A client TLS configuration trusting this CA (verifying the server's IP SAN).
    func clientTrusting(maximumVersion: TLSVersion? = nil) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caPath))
        if let maximumVersion { configuration.maximumTLSVersion = maximumVersion }
        return configuration
    }

    /// Removes the folder.
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func write(_ certificate: Certificate, to path: String) throws {
        try certificate.serializeAsPEM().pemString.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private static func fileName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
    }
}
