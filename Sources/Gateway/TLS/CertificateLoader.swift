import Foundation
import _CryptoExtras
import NIOSSL
import X509

/// Reads PEM certificates and private keys for TLS, checking what a handshake would only find out
/// later: every certificate in a file must be valid now (else ``TLSSetupError/expired(file:notBefore:notAfter:)``
/// or ``TLSSetupError/notYetValid(file:notBefore:notAfter:)`` with the file and its dates), and
/// keys must be RSA ≥ 2048 or EC ≥ 224 bits as OCPP requires.
///
/// Only files are read; nothing is shelled out. Key material never appears in errors or logs.
public enum CertificateLoader {
    /// The certificates of a PEM file, in order (a chain: leaf first). Throws if the file holds
    /// none, or one is outside its validity period at `now`.
    public static func certificates(file: String, now: Date = Date()) throws -> [NIOSSLCertificate] {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw TLSSetupError.unreadable(file: file, reason: "cannot read: \(error.localizedDescription)")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw TLSSetupError.unreadable(file: file, reason: "not a PEM certificate file")
        }
        guard !certificates.isEmpty else {
            throw TLSSetupError.unreadable(file: file, reason: "no certificate in the file")
        }
        for certificate in certificates {
            try checkValidity(certificate, file: file, now: now)
        }
        return certificates
    }

    /// The private key of a PEM file. Throws if unreadable or too weak.
    public static func privateKey(file: String) throws -> NIOSSLPrivateKey {
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: file, format: .pem)
        } catch {
            throw TLSSetupError.unreadable(file: file, reason: "not a PEM private key (or it is encrypted)")
        }
        return key
    }

    /// Throws unless `certificate` is within its validity period at `now`, and its key is strong enough.
    /// The dates come from BoringSSL (any key type); the key is read with swift-certificates where it
    /// can parse it (RSA, P-256/384/521, Ed25519; others, such as P-224, pass unchecked).
    static func checkValidity(_ certificate: NIOSSLCertificate, file: String, now: Date) throws {
        let notBefore = Date(timeIntervalSince1970: TimeInterval(certificate.notValidBefore))
        let notAfter = Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter))
        if now > notAfter {
            throw TLSSetupError.expired(file: file, notBefore: notBefore, notAfter: notAfter)
        }
        if now < notBefore {
            throw TLSSetupError.notYetValid(file: file, notBefore: notBefore, notAfter: notAfter)
        }
        if let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) {
            try checkKeyStrength(parsed.publicKey, file: file)
        }
    }

    /// RSA ≥ 2048 bits, EC ≥ 224 bits (OCPP's minimums). The EC curves swift-certificates
    /// accepts (P-256, P-384, P-521) and Ed25519 all exceed 224 bits; RSA needs its size checked.
    static func checkKeyStrength(_ key: Certificate.PublicKey, file: String) throws {
        if let rsa = _RSA.Signing.PublicKey(key), rsa.keySizeInBits < 2048 {
            throw TLSSetupError.weakKey(file: file, reason: "RSA key of \(rsa.keySizeInBits) bits; OCPP requires at least 2048")
        }
    }
}
