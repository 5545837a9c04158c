import OCPP

/// What a comparison reads.
public enum ConditionSubject: Sendable, Hashable, CustomStringConvertible {
    /// The charge point's identity (from the URL).
    case chargePoint
    /// The user: `idTag` in 1.6, `idToken.idToken` in 2.0.1.
    case idTag
    /// The connector: `connectorId`, or `evse.connectorId` in 2.0.1 where there is no top-level one.
    case connectorId
    /// The owner backend of the message's transaction or user.
    case owner
    /// The gateway's clock when the message arrives, for rules with a time window.
    case now
    /// A payload field path.
    case field([String])

    public var description: String {
        switch self {
        case .chargePoint: "chargePoint"
        case .idTag: "idTag"
        case .connectorId: "connectorId"
        case .owner: "owner"
        case .now: "now"
        case .field(let path): path.joined(separator: ".")
        }
    }
}

/// The right-hand side of a comparison, bound.
public enum ResolvedOperand: Sendable, Hashable {
    case literal(Literal.Value)
    /// A glob (`*` any run, `?` one character).
    case pattern(String)
    /// Set membership: the values of a declared list (with its name) or of an inline list.
    case set(name: String?, values: [Literal.Value])
}

/// A comparison with its subject and operand bound and type-checked.
public struct ResolvedComparison: Sendable {
    public var subject: ConditionSubject
    public var op: Comparison.Operator
    public var operand: ResolvedOperand
    /// Whether strings compare ignoring case (OCPP CiString fields and idTags).
    public var caseInsensitive: Bool
    /// The field's type per action index, for payload fields; empty for attributes.
    public var fieldTypes: [Int: FieldType]
    public var syntax: Comparison
}

/// A condition with every comparison resolved.
public indirect enum ResolvedCondition: Sendable {
    case and(ResolvedCondition, ResolvedCondition)
    case or(ResolvedCondition, ResolvedCondition)
    case not(ResolvedCondition)
    case constant(Bool)
    case comparison(ResolvedComparison)

    /// Every comparison, left to right.
    public var comparisons: [ResolvedComparison] {
        switch self {
        case .and(let left, let right), .or(let left, let right): left.comparisons + right.comparisons
        case .not(let inner): inner.comparisons
        case .constant: []
        case .comparison(let comparison): [comparison]
        }
    }
}
