import OCPP

/// What a test reads from a message.
public enum Accessor: Sendable, Hashable, CustomStringConvertible {
    /// The charge point's identity.
    case chargePoint
    /// The owner backend's name (of the message's transaction, else of its user).
    case owner
    /// The user's idTag as the context extracted it (owner rules, which have no action).
    case contextIdTag
    /// The connector as the context extracted it (owner rules).
    case contextConnectorId
    /// The gateway's clock, in seconds since 1970.
    case now
    /// A payload path; arrays along the way are walked, and the test holds if any element passes.
    case path([String])

    public var description: String {
        switch self {
        case .chargePoint: "chargePoint"
        case .owner: "owner"
        case .contextIdTag: "idTag"
        case .contextConnectorId: "connectorId"
        case .now: "now"
        case .path(let segments): segments.joined(separator: ".")
        }
    }
}

/// A literal a test compares with, normalised at compile time.
public enum ScalarValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case boolean(Bool)

    public var description: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .boolean(let flag): String(flag)
        }
    }
}

/// A comparison on one value.
public enum ValueTest: Sendable, CustomStringConvertible {
    case equal(ScalarValue, caseInsensitive: Bool)
    case notEqual(ScalarValue, caseInsensitive: Bool)
    case less(Double)
    case lessOrEqual(Double)
    case greater(Double)
    case greaterOrEqual(Double)
    case glob(GlobPattern)
    /// Membership in a set of strings (case-insensitive sets use `CaseInsensitiveString` keys).
    case memberOf(name: String?, exact: Set<String>, folded: Set<CaseInsensitiveString>, caseInsensitive: Bool)
    /// Membership in a set of non-string literals.
    case memberOfValues([ScalarValue])

    public var description: String {
        switch self {
        case .equal(let value, _): "== \(value)"
        case .notEqual(let value, _): "!= \(value)"
        case .less(let bound): "< \(ScalarValue.number(bound))"
        case .lessOrEqual(let bound): "<= \(ScalarValue.number(bound))"
        case .greater(let bound): "> \(ScalarValue.number(bound))"
        case .greaterOrEqual(let bound): ">= \(ScalarValue.number(bound))"
        case .glob(let pattern): "matches \"\(pattern)\""
        case .memberOf(let name, let exact, let folded, let caseInsensitive):
            "in \(name ?? "[...]") (\(caseInsensitive ? folded.count : exact.count) entries)"
        case .memberOfValues(let values): "in [" + values.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

/// A compiled condition.
public indirect enum Predicate: Sendable, CustomStringConvertible {
    case constant(Bool)
    case and([Predicate])
    case or([Predicate])
    case not(Predicate)
    case test(Accessor, ValueTest)

    public var description: String {
        switch self {
        case .constant(let value): String(value)
        case .and(let parts): "(" + parts.map(\.description).joined(separator: " and ") + ")"
        case .or(let parts): "(" + parts.map(\.description).joined(separator: " or ") + ")"
        case .not(let inner): "not \(inner)"
        case .test(let accessor, let test): "\(accessor) \(test)"
        }
    }
}
