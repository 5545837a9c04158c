import OCPP

/// A checked policy compiled into an immutable decision tree.
///
/// The tree is indexed by direction and action (a table lookup), then by charge-point pattern,
/// then by conditions, so a message touches only the rules that can apply to it. One instance is
/// shared by every connection; reloading the policy swaps the instance between messages.
public final class CompiledPolicy: Sendable {
    public let name: String
    public let version: OCPPVersion
    public let catalog: OCPPCatalog
    /// A digest of the policy's sources, logged with every decision.
    public let sourceHash: String
    /// Every backend, by index.
    public let backends: [String]
    public let primary: Int?
    /// Every rule, by `RuleInfo.index`.
    public let rules: [RuleInfo]
    /// Owner rules in order: first match wins.
    public let ownerRules: [OwnerNode]
    /// The owner rules indexed by idTag.
    let ownerIndex: OwnerIndex
    /// Per catalog action index: the route rules of charge-point calls.
    public let chargePointCalls: [ActionNode<RouteLeaf>]
    /// Per catalog action index: the allow and deny rules of backend calls.
    public let backendCalls: [ActionNode<PermissionLeaf>]
    /// Per catalog action index: the redactions of what the charge point sends, per backend.
    public let redactions: [RedactionPlan]
    /// Per catalog action index: where the action's idTag and connector are, for owner lookups.
    public let userFields: [UserFields]
    /// Whether any owner rule tests the connector: if none does, messages' connectors are not read.
    let ownersReadConnector: Bool

    public init(name: String, version: OCPPVersion, sourceHash: String, backends: [String], primary: Int?,
                rules: [RuleInfo], ownerRules: [OwnerNode], chargePointCalls: [ActionNode<RouteLeaf>],
                backendCalls: [ActionNode<PermissionLeaf>], redactions: [RedactionPlan], userFields: [UserFields]) {
        precondition(backends.count <= TargetSet.capacity, "at most \(TargetSet.capacity) backends")
        self.name = name
        self.version = version
        self.catalog = OCPPCatalog.forVersion(version)
        self.sourceHash = sourceHash
        self.backends = backends
        self.primary = primary
        self.rules = rules
        self.ownerRules = ownerRules
        self.ownerIndex = OwnerIndex(rules: ownerRules)
        self.chargePointCalls = chargePointCalls
        self.backendCalls = backendCalls
        self.redactions = redactions
        self.userFields = userFields
        self.ownersReadConnector = ownerRules.contains { $0.condition?.reads(.contextConnectorId) ?? false }
    }

    /// The index of backend `name`.
    public func backendIndex(_ name: String) -> Int? { backends.firstIndex(of: name) }
}

/// Where an action carries its user and connector.
public struct UserFields: Sendable {
    public var idTagPath: [String]?
    public var connectorIdPath: [String]?

    public init(idTagPath: [String]?, connectorIdPath: [String]?) {
        self.idTagPath = idTagPath
        self.connectorIdPath = connectorIdPath
    }
}

/// One owner rule: the backend it names and its condition (`nil` for `otherwise`).
public struct OwnerNode: Sendable {
    public var rule: Int
    public var backend: Int
    public var condition: Predicate?

    public init(rule: Int, backend: Int, condition: Predicate?) {
        self.rule = rule
        self.backend = backend
        self.condition = condition
    }
}

/// The rules for one action, grouped by the charge points they are limited to.
public struct ActionNode<Leaf: Sendable>: Sendable {
    public var groups: [ChargePointGroup<Leaf>]

    public init(groups: [ChargePointGroup<Leaf>]) { self.groups = groups }

    public var isEmpty: Bool { groups.isEmpty }
}

/// Rules limited to the charge points a pattern matches (`nil`: every charge point), in file order.
public struct ChargePointGroup<Leaf: Sendable>: Sendable {
    public var chargePoints: GlobPattern?
    public var leaves: [Leaf]

    public init(chargePoints: GlobPattern?, leaves: [Leaf]) {
        self.chargePoints = chargePoints
        self.leaves = leaves
    }
}

/// A route rule for one action, with the charge-point part of its condition lifted into the group.
public struct RouteLeaf: Sendable {
    public var rule: Int
    public var condition: Predicate?
    /// Backends named directly, or all of them for `all`.
    public var backends: TargetSet
    public var toOwner: Bool
    public var toPrimary: Bool
    public var toGateway: Bool
    /// The first target as written.
    public var firstTarget: FirstTarget
    /// Every target as written (`all` as the first backend), for "else the first target in file
    /// order": the first one present in the decision answers.
    public var targetOrder: [FirstTarget]
    public var answeredBy: Int?

    /// The first target a rule names.
    public enum FirstTarget: Sendable, Hashable {
        case backend(Int)
        case owner
        case primary
        case gateway
    }

    public init(rule: Int, condition: Predicate?, backends: TargetSet, toOwner: Bool, toPrimary: Bool, toGateway: Bool,
                firstTarget: FirstTarget, targetOrder: [FirstTarget]? = nil, answeredBy: Int?) {
        self.rule = rule
        self.condition = condition
        self.backends = backends
        self.toOwner = toOwner
        self.toPrimary = toPrimary
        self.toGateway = toGateway
        self.firstTarget = firstTarget
        self.targetOrder = targetOrder ?? [firstTarget]
        self.answeredBy = answeredBy
    }
}

/// An allow or deny rule for one action.
public struct PermissionLeaf: Sendable {
    public var rule: Int
    public var allows: Bool
    public var backends: TargetSet
    public var condition: Predicate?

    public init(rule: Int, allows: Bool, backends: TargetSet, condition: Predicate?) {
        self.rule = rule
        self.allows = allows
        self.backends = backends
        self.condition = condition
    }
}
