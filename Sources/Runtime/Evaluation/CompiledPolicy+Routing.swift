import OCPP

extension CompiledPolicy {
    /// Decides where a charge-point CALL goes and who answers it.
    ///
    /// - Parameters:
    ///   - trace: also list every matching route rule (for `explain` and tests); routing itself
    ///     allocates nothing without it.
    public func route(action: String, payload: JSONValue, context: MessageContext, trace: Bool = false) -> RouteDecision {
        guard let actionIndex = catalog.actionIndex(named: action) else {
            return rejection(action, code: "NotImplemented", reason: "`\(action)` is not an ocpp \(version.rawValue) action")
        }
        let leaves = chargePointCalls[actionIndex].groups.lazy
            .filter { $0.chargePoints?.matches(context.chargePoint) ?? true }
            .flatMap(\.leaves)
        return route(action: action, actionIndex: actionIndex, leaves: leaves, payload: payload, context: context, trace: trace)
    }

    /// Routing over the leaves that apply to the charge point, in file order.
    func route(action: String, actionIndex: Int, leaves: some Sequence<RouteLeaf>, payload: JSONValue,
               context: MessageContext, trace: Bool) -> RouteDecision {
        var input = input(actionIndex: actionIndex, payload: payload, context: context)
        // The owner is needed for the responder whatever the rules say, so it is decided first: the
        // transaction's owner when the gateway knows it, else the owner rules.
        var owner: Int? = context.transactionOwner.flatMap(backendIndex)
        var ownerRule: Int?
        if owner == nil { (owner, ownerRule) = resolveOwner(&input) }
        var targets = TargetSet()
        var gatewayIsTarget = false
        var anyMatched = false
        var answeredBy: (backend: Int, rule: Int)?
        var firstBackend: (backend: Int, rule: Int)?
        var ownerTargetRule: Int?
        var primaryTargetRule: Int?
        var gatewayTargetRule: Int?
        var matched: [Int] = []

        for leaf in leaves {
            if let condition = leaf.condition {
                guard condition.evaluate(input) else { continue }
            }
            anyMatched = true
            if trace { matched.append(leaf.rule) }
            targets.formUnion(leaf.backends)
            if leaf.toOwner, let owner { targets.insert(owner) }
            if leaf.toPrimary, let primary { targets.insert(primary) }
            if leaf.toGateway {
                gatewayIsTarget = true
                if gatewayTargetRule == nil { gatewayTargetRule = leaf.rule }
            }
            // The rules that made the owner and the primary targets, by name, `all` or keyword.
            if ownerTargetRule == nil, let owner, leaf.backends.contains(owner) || leaf.toOwner {
                ownerTargetRule = leaf.rule
            }
            if primaryTargetRule == nil, let primary, leaf.backends.contains(primary) || leaf.toPrimary {
                primaryTargetRule = leaf.rule
            }
            if let backend = leaf.answeredBy, answeredBy == nil { answeredBy = (backend, leaf.rule) }
            if firstBackend == nil, let backend = firstPresentTarget(leaf.targetOrder, owner: owner) {
                firstBackend = (backend, leaf.rule)
            }
        }

        var decision = RouteDecision(action: action, outcome: .forward, targets: targets, gatewayIsTarget: gatewayIsTarget,
                                     responder: nil, owner: owner, ownerRule: ownerRule, matchedRules: matched,
                                     responderRule: nil)
        guard anyMatched else {
            decision.outcome = .reject(errorCode: "NotSupported", reason: "no rule of policy `\(name)` routes `\(action)`")
            return decision
        }
        // Exactly one answers: `answered by`, else the owner when it is a target, else the primary
        // when it is a target, else the gateway, else the first target in file order.
        if let answeredBy {
            decision.targets.insert(answeredBy.backend)
            decision.responder = .backend(answeredBy.backend)
            decision.responderRule = answeredBy.rule
        } else if let owner, targets.contains(owner) {
            decision.responder = .backend(owner)
            decision.responderRule = ownerTargetRule
        } else if let primary, targets.contains(primary) {
            decision.responder = .backend(primary)
            decision.responderRule = primaryTargetRule
        } else if gatewayIsTarget || targets.isEmpty {
            // `to gateway`, or every target fell away (`owner` with no owner): the gateway answers
            // where it can.
            guard let answer = catalog.actions[actionIndex].gatewayAnswer else {
                decision.outcome = .reject(errorCode: "NotSupported",
                                           reason: "policy `\(name)` leaves `\(action)` without a backend to answer it")
                return decision
            }
            decision.responder = .gateway
            decision.responderRule = gatewayTargetRule
            decision.outcome = .gatewayAnswers(answer)
        } else if let firstBackend {
            decision.responder = .backend(firstBackend.backend)
            decision.responderRule = firstBackend.rule
        }
        return decision
    }

    /// The owner by the owner rules. A message without a user (and outside a known transaction)
    /// has no owner, whatever `otherwise` says: `otherwise` is about users, not messages.
    private func resolveOwner(_ input: inout EvaluationInput) -> (Int?, Int?) {
        guard input.idTag != nil, let found = owner(of: input) else { return (nil, nil) }
        input.owner = backends[found.backend]
        return (found.backend, found.rule)
    }

    /// The first of a rule's targets as written that is a backend in the decision: a named backend,
    /// the owner if there is one, the primary if there is one; `gateway` is not a backend.
    private func firstPresentTarget(_ order: [RouteLeaf.FirstTarget], owner: Int?) -> Int? {
        for target in order {
            switch target {
            case .backend(let index): return index
            case .owner: if let owner { return owner }
            case .primary: if let primary { return primary }
            case .gateway: continue
            }
        }
        return nil
    }

    private func rejection(_ action: String, code: String, reason: String) -> RouteDecision {
        RouteDecision(action: action, outcome: .reject(errorCode: code, reason: reason), targets: TargetSet(),
                      gatewayIsTarget: false, responder: nil, owner: nil, ownerRule: nil, matchedRules: [], responderRule: nil)
    }
}

extension Predicate {
    /// Whether the predicate reads `owner`, so evaluation must decide the owner first.
    var readsOwner: Bool {
        switch self {
        case .constant: false
        case .and(let parts), .or(let parts): parts.contains { $0.readsOwner }
        case .not(let inner): inner.readsOwner
        case .test(let accessor, _): accessor == .owner
        }
    }
}
