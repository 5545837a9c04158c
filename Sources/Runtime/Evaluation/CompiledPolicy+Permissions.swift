import OCPP

extension CompiledPolicy {
    /// Decides whether backend `backend` may send `action` to the charge point: default deny, and a
    /// matching deny overrides any allow.
    public func authorize(backend: Int, action: String, payload: JSONValue, context: MessageContext,
                          trace: Bool = false) -> PermissionDecision {
        guard let actionIndex = catalog.actionIndex(named: action) else {
            return PermissionDecision(allowed: false, rule: nil, matchedRules: [])
        }
        let leaves = backendCalls[actionIndex].groups.lazy
            .filter { $0.chargePoints?.matches(context.chargePoint) ?? true }
            .flatMap(\.leaves)
        return authorize(backend: backend, actionIndex: actionIndex, leaves: leaves, payload: payload, context: context,
                         trace: trace)
    }

    /// Permission over the leaves that apply to the charge point, in file order.
    func authorize(backend: Int, actionIndex: Int, leaves: some Sequence<PermissionLeaf>, payload: JSONValue,
                   context: MessageContext, trace: Bool) -> PermissionDecision {
        var input = input(actionIndex: actionIndex, payload: payload, context: context)
        var ownerResolved = context.transactionOwner != nil
        var allowRule: Int?
        var denyRule: Int?
        var matched: [Int] = []
        for leaf in leaves where leaf.backends.contains(backend) {
            if let condition = leaf.condition {
                if !ownerResolved, condition.readsOwner {
                    if input.idTag != nil, let found = owner(of: input) { input.owner = backends[found.backend] }
                    ownerResolved = true
                }
                guard condition.evaluate(input) else { continue }
            }
            if trace { matched.append(leaf.rule) }
            if leaf.allows {
                if allowRule == nil { allowRule = leaf.rule }
            } else if denyRule == nil {
                denyRule = leaf.rule
                if !trace { return PermissionDecision(allowed: false, rule: denyRule, matchedRules: []) }
            }
        }
        if let denyRule { return PermissionDecision(allowed: false, rule: denyRule, matchedRules: matched) }
        return PermissionDecision(allowed: allowRule != nil, rule: allowRule, matchedRules: matched)
    }

    /// The redactions of what the charge point sends `backend` for `action`: the call's request,
    /// or (`inResponse`) its answer to the backend's call.
    public func redactions(action: String, inResponse: Bool, backend: Int) -> [FieldRedaction] {
        guard let actionIndex = catalog.actionIndex(named: action) else { return [] }
        let plan = redactions[actionIndex]
        return inResponse ? plan.response[backend] : plan.request[backend]
    }
}
