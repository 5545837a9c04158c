import _CryptoExtras
import Crypto
import Foundation

/// A password stored as PBKDF2-HMAC-SHA256 with a per-password salt:
/// `pbkdf2-sha256:ITERATIONS:SALT-BASE64:HASH-BASE64` (the `credentialsFile` format after the id).
///
/// Uses swift-crypto's `_CryptoExtras` (`KDF.Insecure.PBKDF2`, BoringSSL underneath). The hash
/// itself is not secret enough to log either; ``description`` shows the parameters only.
public struct PasswordHash: Sendable, Equatable, CustomStringConvertible {
    /// The scheme tag in the stored form.
    public static let scheme = "pbkdf2-sha256"
    /// Iterations used by ``make(password:iterations:)`` unless told otherwise (OWASP 2023: 600,000).
    public static let defaultIterations = 600_000

    /// The iteration count.
    public let iterations: Int
    /// The salt.
    public let salt: [UInt8]
    /// The derived key.
    public let hash: [UInt8]

    /// A hash from its parts.
    public init(iterations: Int, salt: [UInt8], hash: [UInt8]) {
        self.iterations = iterations
        self.salt = salt
        self.hash = hash
    }

    /// Parses `pbkdf2-sha256:ITERATIONS:SALT:HASH`; `nil` if malformed (iterations 1…10,000,000,
    /// salt ≥ 8 bytes, hash 16…64 bytes).
    public init?(stored: Substring) {
        let parts = stored.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.scheme, let iterations = Int(parts[1]),
              (1...10_000_000).contains(iterations),
              let salt = Data(base64Encoded: String(parts[2])), salt.count >= 8,
              let hash = Data(base64Encoded: String(parts[3])), (16...64).contains(hash.count)
        else { return nil }
        self.init(iterations: iterations, salt: Array(salt), hash: Array(hash))
    }

    /// Hashes `password` with a fresh random 16-byte salt.
    public static func make(password: [UInt8], iterations: Int = defaultIterations) -> PasswordHash {
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        return PasswordHash(iterations: iterations, salt: salt,
                            hash: derive(password: password, salt: salt, iterations: iterations, length: 32))
    }

    /// PBKDF2-HMAC-SHA256 of `password` and `salt`.
    public static func derive(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: password, salt: salt, using: .sha256, outputByteCount: length, unsafeUncheckedRounds: iterations)
        return key.map { $0.withUnsafeBytes { Array($0) } } ?? []
    }

    /// Whether `password` hashes to ``hash``, compared in constant time.
    public func matches(password: [UInt8]) -> Bool {
        let derived = Self.derive(password: password, salt: salt, iterations: iterations, length: hash.count)
        return BasicAuthorization.constantTimeEquals(derived, hash)
    }

    /// `pbkdf2-sha256:ITERATIONS:SALT:HASH`.
    public var stored: String {
        "\(Self.scheme):\(iterations):\(Data(salt).base64EncodedString()):\(Data(hash).base64EncodedString())"
    }

    /// The parameters without salt or hash.
    public var description: String { "\(Self.scheme) (\(iterations) iterations)" }
}
