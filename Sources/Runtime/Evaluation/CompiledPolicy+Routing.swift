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
        var input = input(actionIndex: actionIndex, payload: payload, context: context)
        var accumulator = accumulator(for: &input, context: context, trace: trace)
        for group in chargePointCalls[actionIndex].groups where group.chargePoints?.matches(context.chargePoint) ?? true {
            accumulator.add(group.leaves, input)
        }
        return decision(action: action, actionIndex: actionIndex, accumulator)
    }

    /// Routing over `leaves`, the rules that apply to the charge point, in file order.
    func route(action: String, actionIndex: Int, leaves: [RouteLeaf], payload: JSONValue, context: MessageContext,
               trace: Bool) -> RouteDecision {
        var input = input(actionIndex: actionIndex, payload: payload, context: context)
        var accumulator = accumulator(for: &input, context: context, trace: trace)
        accumulator.add(leaves, input)
        return decision(action: action, actionIndex: actionIndex, accumulator)
    }

    /// An accumulator that knows the message's owner; the owner is also set in `input` for
    /// conditions that read it.
    ///
    /// The owner is needed for the responder whatever the rules say, so it is decided first: the
    /// transaction's owner when the gateway knows it, else the owner rules.
    private func accumulator(for input: inout EvaluationInput, context: MessageContext, trace: Bool) -> RouteAccumulator {
        var owner: Int? = context.transactionOwner.flatMap(backendIndex)
        var ownerRule: Int?
        if owner == nil { (owner, ownerRule) = resolveOwner(&input) }
        return RouteAccumulator(owner: owner, ownerRule: ownerRule, primary: primary, trace: trace)
    }

    /// The decision the matching rules add up to.
    ///
    /// Exactly one answers: `answered by`, else the owner when it is a target, else the primary
    /// when it is a target, else the gateway, else the first target in file order.
    private func decision(action: String, actionIndex: Int, _ matched: RouteAccumulator) -> RouteDecision {
        var targets = matched.targets
        var outcome = RouteDecision.Outcome.forward
        var responder: Responder?
        var responderRule: Int?
        if !matched.anyMatched {
            outcome = .reject(errorCode: "NotSupported", reason: "no rule of policy `\(name)` routes `\(action)`")
        } else if let answeredBy = matched.answeredBy {
            targets.insert(answeredBy.backend)
            responder = .backend(answeredBy.backend)
            responderRule = answeredBy.rule
        } else if let owner = matched.owner, targets.contains(owner) {
            responder = .backend(owner)
            responderRule = matched.ownerTargetRule
        } else if let primary, targets.contains(primary) {
            responder = .backend(primary)
            responderRule = matched.primaryTargetRule
        } else if matched.gatewayIsTarget || targets.isEmpty {
            // `to gateway`, or every target fell away (`owner` with no owner): the gateway answers
            // where it can.
            if let answer = catalog.actions[actionIndex].gatewayAnswer {
                responder = .gateway
                responderRule = matched.gatewayTargetRule
                outcome = .gatewayAnswers(answer)
            } else {
                outcome = .reject(errorCode: "NotSupported",
                                  reason: "policy `\(name)` leaves `\(action)` without a backend to answer it")
            }
        } else if let firstBackend = matched.firstBackend {
            responder = .backend(firstBackend.backend)
            responderRule = firstBackend.rule
        }
        return RouteDecision(action: action, outcome: outcome, targets: targets, gatewayIsTarget: matched.gatewayIsTarget,
                             responder: responder, owner: matched.owner, ownerRule: matched.ownerRule,
                             matchedRules: matched.matched, responderRule: responderRule)
    }

    /// The owner by the owner rules, also set as the input's `owner` for conditions that read it.
    /// A message without a user (and outside a known transaction) has no owner, whatever
    /// `otherwise` says: `otherwise` is about users, not messages.
    private func resolveOwner(_ input: inout EvaluationInput) -> (Int?, Int?) {
        guard input.idTag != nil, let found = owner(of: input) else { return (nil, nil) }
        input.owner = backends[found.backend]
        return (found.backend, found.rule)
    }

    private func rejection(_ action: String, code: String, reason: String) -> RouteDecision {
        RouteDecision(action: action, outcome: .reject(errorCode: code, reason: reason), targets: TargetSet(),
                      gatewayIsTarget: false, responder: nil, owner: nil, ownerRule: nil, matchedRules: [], responderRule: nil)
    }
}

extension Predicate {
    /// Whether the predicate reads `owner`, so evaluation must decide the owner first.
    var readsOwner: Bool { reads(.owner) }

    /// Whether any test of the predicate reads `accessor`.
    func reads(_ accessor: Accessor) -> Bool {
        switch self {
        case .constant: false
        case .and(let parts), .or(let parts): parts.contains { $0.reads(accessor) }
        case .not(let inner): inner.reads(accessor)
        case .test(let read, _): read == accessor
        }
    }
}
