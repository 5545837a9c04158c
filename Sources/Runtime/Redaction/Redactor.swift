import Crypto
import OCPP

/// Rewrites payloads for a backend: drops, masks and pseudonymises fields.
///
/// The hash key comes from the gateway config (`redaction.hashKey`), never from the policy, so a
/// policy author cannot reverse the pseudonyms.
public struct Redactor: Sendable {
    /// Kept as bytes: `SymmetricKey` is not `Sendable` in this swift-crypto.
    private let keyBytes: [UInt8]

    /// A redactor whose `hash` pseudonyms are keyed by `hashKey`.
    public init(hashKey: [UInt8]) {
        self.keyBytes = hashKey
    }

    /// The payload with `redactions` applied, and the paths it changed.
    ///
    /// - Parameter owner: the owner backend's name for `owner` redactions; without one the value
    ///   becomes `unowned`.
    public func apply(_ redactions: [FieldRedaction], to payload: JSONValue, owner: String?) -> (JSONValue, [String]) {
        guard !redactions.isEmpty else { return (payload, []) }
        var result = payload
        var changed: [String] = []
        for redaction in redactions {
            var touched = false
            result = rewrite(result, path: redaction.path[...], redaction: redaction, owner: owner, touched: &touched)
            if touched { changed.append(redaction.pathDescription) }
        }
        return (result, changed)
    }

    private func rewrite(_ value: JSONValue, path: ArraySlice<String>, redaction: FieldRedaction, owner: String?,
                         touched: inout Bool) -> JSONValue {
        if case .array(let elements) = value {
            return .array(elements.map { rewrite($0, path: path, redaction: redaction, owner: owner, touched: &touched) })
        }
        guard let key = path.first, case .object(var object) = value, let member = object[key] else { return value }
        if path.count == 1 {
            touched = true
            if case .array(let elements) = member, redaction.mode != .drop {
                object[key] = .array(elements.map { replacement(for: $0, redaction: redaction, owner: owner) })
            } else if redaction.mode == .drop {
                object[key] = nil
            } else {
                object[key] = replacement(for: member, redaction: redaction, owner: owner)
            }
        } else {
            object[key] = rewrite(member, path: path.dropFirst(), redaction: redaction, owner: owner, touched: &touched)
        }
        return .object(object)
    }

    private func replacement(for value: JSONValue, redaction: FieldRedaction, owner: String?) -> JSONValue {
        guard case .string(let text) = value else { return value }
        switch redaction.mode {
        case .drop: return value
        case .mask: return .string(Self.mask(text))
        case .hash(let maxLength): return .string(pseudonym(text, caseInsensitive: redaction.caseInsensitive, maxLength: maxLength))
        case .owner: return .string(owner ?? "unowned")
        }
    }

    /// Keeps the last 4 characters and stars the rest; a value of 4 or fewer is starred whole,
    /// since keeping it would reveal all of it.
    public static func mask(_ text: String) -> String {
        let count = text.count
        guard count > 4 else { return String(repeating: "*", count: count) }
        return String(repeating: "*", count: count - 4) + text.suffix(4)
    }

    /// The HMAC-SHA256 of the value in upper-case hex, cut to `maxLength`. CiString values are
    /// folded to upper case first, so `abc` and `ABC` (the same user in OCPP) get one pseudonym.
    public func pseudonym(_ text: String, caseInsensitive: Bool, maxLength: Int) -> String {
        let input = caseInsensitive ? text.uppercased() : text
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: keyBytes))
        let digits: [Character] = Array("0123456789ABCDEF")
        var hex = ""
        hex.reserveCapacity(64)
        for byte in mac {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(hex.prefix(max(1, min(maxLength, 64))))
    }
}
