import Crypto
import Foundation

/// The credentials of an HTTP `Authorization: Basic …` header (RFC 7617), as a charge point sent them.
///
/// The password is kept as the raw bytes the client sent: OCPP 1.6 stations send their
/// AuthorizationKey either as hex text or as raw bytes, and the gateway compares exactly what was
/// sent. Neither ``description`` nor a mirror shows the password.
public struct BasicAuthorization: Sendable, CustomStringConvertible, CustomReflectable {
    /// The user name: everything before the first `:` of the decoded credentials.
    public let user: String
    /// The password bytes: everything after the first `:`.
    let password: [UInt8]

    /// Parses the value of an `Authorization` header; `nil` unless it is a well-formed `Basic`
    /// header whose user part is UTF-8.
    public init?(headerValue: String) {
        let trimmed = headerValue.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " "),
              trimmed[..<space].lowercased() == "basic"
        else { return nil }
        let encoded = trimmed[space...].trimmingCharacters(in: .whitespaces)
        guard !encoded.isEmpty, encoded.count <= 1_024,
              let decoded = Data(base64Encoded: encoded)
        else { return nil }
        let bytes = [UInt8](decoded)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
              let user = String(strictUTF8: bytes[..<colon])
        else { return nil }
        self.user = user
        self.password = Array(bytes[(colon + 1)...])
    }

    /// Creates credentials from a user and a password, e.g. to send them.
    public init(user: String, password: String) {
        self.user = user
        self.password = Array(password.utf8)
    }

    /// The header value to send: `Basic base64(user:password)`.
    public var headerValue: String {
        "Basic " + Data(Array(user.utf8) + [UInt8(ascii: ":")] + password).base64EncodedString()
    }

    /// Whether the password matches `credential`, in time that does not depend on where the
    /// values differ (both sides are hashed with SHA-256 and the digests compared in constant time).
    public func passwordMatches(_ credential: GatewayConfig.ChargePointCredential.Credential) -> Bool {
        let given = Array(SHA256.hash(data: password))
        switch credential {
        case .password(let secret):
            let expected = Array(SHA256.hash(data: Array(secret.reveal().utf8)))
            return Self.constantTimeEquals(given, expected)
        case .passwordSha256(let secret):
            guard let expected = Self.bytes(fromHex: secret.reveal()) else { return false }
            return Self.constantTimeEquals(given, expected)
        case .pbkdf2(let hash):
            return hash.matches(password: password)
        case .certificateOnly:
            return false
        }
    }

    /// `Basic <user>:<secret>`; never the password.
    public var description: String { "Basic \(user):<secret>" }

    /// A mirror that shows the user only.
    public var customMirror: Mirror { Mirror(self, children: ["user": user], displayStyle: .struct) }

    /// Compares two byte arrays without an early exit; arrays of different lengths are unequal.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// The bytes of an even-length hex string (either case); `nil` if it is not one.
    static func bytes(fromHex hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
