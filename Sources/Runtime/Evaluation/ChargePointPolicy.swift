import OCPP

/// The policy as one charge point sees it, built once per connection.
///
/// A charge point's identity does not change while it is connected, so the charge-point patterns
/// of every rule are matched once here instead of on every message: evaluating a message then
/// touches only the rules that apply to this charge point and this action.
public struct ChargePointPolicy: Sendable {
    public let policy: CompiledPolicy
    public let chargePoint: String
    /// Per action index: the route leaves that apply, in file order.
    private let routes: [[RouteLeaf]]
    /// Per action index: the permission leaves that apply, in file order.
    private let permissions: [[PermissionLeaf]]

    /// The view of `policy` for `chargePoint`.
    public init(policy: CompiledPolicy, chargePoint: String) {
        self.policy = policy
        self.chargePoint = chargePoint
        func applicable<Leaf>(_ node: ActionNode<Leaf>) -> [Leaf] {
            node.groups.filter { $0.chargePoints?.matches(chargePoint) ?? true }.flatMap(\.leaves)
        }
        self.routes = policy.chargePointCalls.map(applicable)
        self.permissions = policy.backendCalls.map(applicable)
    }

    /// Every backend this charge point's messages can reach or whose calls it can receive: the
    /// gateway opens a connection, as this charge point, to exactly these.
    public var reachableBackends: TargetSet {
        var reachable = TargetSet()
        var ownersReachable = false
        for leaf in routes.joined() {
            reachable.formUnion(leaf.backends)
            if let answeredBy = leaf.answeredBy { reachable.insert(answeredBy) }
            if leaf.toPrimary, let primary = policy.primary { reachable.insert(primary) }
            if leaf.toOwner { ownersReachable = true }
        }
        if ownersReachable {
            for node in policy.ownerRules { reachable.insert(node.backend) }
        }
        for leaf in permissions.joined() where leaf.allows { reachable.formUnion(leaf.backends) }
        return reachable
    }

    /// Where this charge point's CALL goes: as `CompiledPolicy.route`, without pattern matching.
    public func route(action: String, payload: JSONValue, transactionOwner: String? = nil, now: Double,
                      trace: Bool = false) -> RouteDecision {
        let context = MessageContext(chargePoint: chargePoint, transactionOwner: transactionOwner, now: now)
        guard let actionIndex = policy.catalog.actionIndex(named: action) else {
            return policy.route(action: action, payload: payload, context: context, trace: trace)
        }
        return policy.route(action: action, actionIndex: actionIndex, leaves: routes[actionIndex], payload: payload,
                            context: context, trace: trace)
    }

    /// Whether `backend` may send this charge point `action`: as `CompiledPolicy.authorize`.
    public func authorize(backend: Int, action: String, payload: JSONValue, transactionOwner: String? = nil, now: Double,
                          trace: Bool = false) -> PermissionDecision {
        let context = MessageContext(chargePoint: chargePoint, transactionOwner: transactionOwner, now: now)
        guard let actionIndex = policy.catalog.actionIndex(named: action) else {
            return PermissionDecision(allowed: false, rule: nil, matchedRules: [])
        }
        return policy.authorize(backend: backend, actionIndex: actionIndex, leaves: permissions[actionIndex],
                                payload: payload, context: context, trace: trace)
    }
}
