/// How one field is rewritten before a backend sees it.
public enum RedactionMode: Sendable, Hashable, CustomStringConvertible {
    /// Remove the field.
    case drop
    /// Keep the last 4 characters and replace the rest with `*`.
    case mask
    /// Replace with a keyed HMAC-SHA256 pseudonym, cut to `maxLength` hex digits.
    case hash(maxLength: Int)
    /// Replace with the owner backend's name.
    case owner

    public var description: String {
        switch self {
        case .drop: "drop"
        case .mask: "mask"
        case .hash: "hash"
        case .owner: "owner"
        }
    }
}

/// One field of one action rewritten for one backend, and the rule that asked for it.
public struct FieldRedaction: Sendable, Hashable {
    /// The path from the payload root; arrays along it are walked.
    public var path: [String]
    public var mode: RedactionMode
    /// Whether the field is a CiString, so the pseudonym ignores case like OCPP does.
    public var caseInsensitive: Bool
    public var rule: Int

    public init(path: [String], mode: RedactionMode, caseInsensitive: Bool, rule: Int) {
        self.path = path
        self.mode = mode
        self.caseInsensitive = caseInsensitive
        self.rule = rule
    }

    public var pathDescription: String { path.joined(separator: ".") }
}

/// The redactions of one action, per backend index: for the request the charge point sends, and
/// for its response to a backend's call.
public struct RedactionPlan: Sendable {
    public var request: [[FieldRedaction]]
    public var response: [[FieldRedaction]]

    public init(request: [[FieldRedaction]], response: [[FieldRedaction]]) {
        self.request = request
        self.response = response
    }

    /// A plan without redactions for `backendCount` backends.
    public static func none(backendCount: Int) -> RedactionPlan {
        RedactionPlan(request: Array(repeating: [], count: backendCount), response: Array(repeating: [], count: backendCount))
    }
}
