import Foundation
import NIOSSL
import SwiftASN1
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
    static func checkValidity(_ certificate: NIOSSLCertificate, file: String, now: Date) throws {
        let parsed: Certificate
        do {
            parsed = try Certificate(derEncoded: try certificate.toDERBytes())
        } catch {
            throw TLSSetupError.unreadable(file: file, reason: "certificate cannot be parsed: \(error)")
        }
        if now > parsed.notValidAfter {
            throw TLSSetupError.expired(file: file, notBefore: parsed.notValidBefore, notAfter: parsed.notValidAfter)
        }
        if now < parsed.notValidBefore {
            throw TLSSetupError.notYetValid(file: file, notBefore: parsed.notValidBefore, notAfter: parsed.notValidAfter)
        }
        try checkKeyStrength(parsed.publicKey, file: file)
    }

    /// RSA ≥ 2048 bits, EC ≥ 224 bits (OCPP's minimums).
    static func checkKeyStrength(_ key: Certificate.PublicKey, file: String) throws {
        // P-256, P-384, P-521 and Ed25519 all exceed 224 bits; RSA needs its modulus checked.
        let der = key.subjectPublicKeyInfoBytes
        let description = String(describing: key)
        if description.contains("RSA") {
            // The SPKI of RSA-2048 is 294 bytes; anything under ~290 bytes has a modulus < 2048 bits.
            if der.count < 290 {
                throw TLSSetupError.weakKey(file: file, reason: "RSA key shorter than 2048 bits")
            }
        }
    }
}

extension Certificate.PublicKey {
    /// The DER SubjectPublicKeyInfo.
    var subjectPublicKeyInfoBytes: [UInt8] {
        (try? { () throws -> [UInt8] in
            var serializer = DER.Serializer()
            try serializer.serialize(self)
            return serializer.serializedBytes
        }()) ?? []
    }
}
