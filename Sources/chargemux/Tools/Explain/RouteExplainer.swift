import OCPP
import Runtime

/// Builds a ``RouteExplanation`` from the policy's routing decision.
struct RouteExplainer: Sendable {
    /// The policy that decides.
    var policy: CompiledPolicy
    /// Applies the redactions with the chosen hash key.
    var redactor: Redactor
    /// Whether the redactor's key is ``ExplainTool/defaultHashKey``.
    var usesDefaultKey: Bool

    /// Explains `call` from `chargePoint`; `given` is the transaction's owner (`--owner`).
    func explain(_ call: CallMessage, from chargePoint: String, owner given: String?) -> RouteExplanation {
        let context = MessageContext(chargePoint: chargePoint, transactionOwner: given)
        let decision = policy.route(action: call.action, payload: call.payload, context: context, trace: true)
        let owner = decision.owner.map(policy.backendName)
        let (reason, outcome) = Self.describe(decision, leaves: leaves(of: call.action, rules: decision.matchedRules),
                                              primary: policy.primary)
        var deliveries: [Delivery] = []
        if case .callError = outcome {} else {
            let preview = RedactionPreview(policy: policy, redactor: redactor)
            deliveries = decision.targets.map { backend in
                preview.delivery(of: call.payload, to: backend,
                                 redactions: policy.redactions(action: call.action, inResponse: false, backend: backend),
                                 owner: owner)
            }
        }
        let hashed = deliveries.contains { $0.changes.contains { if case .hash = $0.mode { true } else { false } } }
        return RouteExplanation(
            chargePoint: chargePoint, call: call,
            warnings: PayloadCheck.warnings(for: call, fromChargePoint: true, catalog: policy.catalog),
            owner: owner, ownerSource: ownerSource(decision, call: call, given: given),
            matchedRules: decision.matchedRules.compactMap(policy.rule), targets: decision.targets.map(policy.backendName),
            gatewayIsTarget: decision.gatewayIsTarget, responder: decision.responder.map(name),
            responderReason: reason, responderRule: policy.rule(decision.responderRule), outcome: outcome,
            deliveries: deliveries, usedDefaultHashKey: hashed && usesDefaultKey)
    }

    /// The leaves of `action` that belong to `rules`.
    private func leaves(of action: String, rules: [Int]) -> [RouteLeaf] {
        guard let index = policy.catalog.actionIndex(named: action) else { return [] }
        return policy.chargePointCalls[index].groups.flatMap(\.leaves).filter { rules.contains($0.rule) }
    }

    private func name(_ responder: Responder) -> String {
        switch responder {
        case .gateway: "gateway"
        case .backend(let index): policy.backendName(index)
        }
    }

    private func ownerSource(_ decision: RouteDecision, call: CallMessage, given: String?) -> RouteExplanation.OwnerSource {
        if given != nil { return .given }
        if let rule = policy.rule(decision.ownerRule) { return .rule(rule) }
        guard let index = policy.catalog.actionIndex(named: call.action),
              let path = policy.userFields[index].idTagPath,
              RedactionPreview.values(at: path[...], in: call.payload).contains(where: { $0.stringValue != nil })
        else { return .none(reason: "the message carries no idTag") }
        return .none(reason: "no owner rule matches its idTag")
    }

    /// The responder's reason, replaying the gateway's order (`answered by`, owner, primary,
    /// gateway, first target), and the outcome.
    static func describe(_ decision: RouteDecision, leaves: [RouteLeaf], primary: Int?)
        -> (RouteExplanation.ResponderReason?, RouteExplanation.Outcome)
    {
        switch decision.outcome {
        case .reject(let code, let reason): return (nil, .callError(code: code, reason: reason))
        case .gatewayAnswers(let answer): return (.gateway, .gatewayAnswers(answer.rawValue))
        case .forward: break
        }
        guard case .backend(let backend)? = decision.responder else { return (.gateway, .forward) }
        if leaves.contains(where: { $0.answeredBy == backend }) { return (.answeredBy, .forward) }
        if decision.owner == backend, leaves.contains(where: \.toOwner) { return (.owner, .forward) }
        if primary == backend { return (.primary, .forward) }
        return (.firstTarget, .forward)
    }
}
