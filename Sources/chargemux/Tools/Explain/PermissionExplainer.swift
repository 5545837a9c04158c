import OCPP
import Runtime

/// Builds a ``PermissionExplanation`` from the policy's permission decision.
struct PermissionExplainer: Sendable {
    /// The policy that decides.
    var policy: CompiledPolicy

    /// Explains `call` from backend index `backend`; without `chargePoint` the call is checked
    /// for an unnamed charge point, and rules limited to charge points are listed as skipped.
    func explain(_ call: CallMessage, backend: Int, chargePoint: String?, owner: String?) -> PermissionExplanation {
        let context = MessageContext(chargePoint: chargePoint ?? "", transactionOwner: owner)
        let decision = policy.authorize(backend: backend, action: call.action, payload: call.payload, context: context,
                                        trace: true)
        let redactions = policy.redactions(action: call.action, inResponse: true, backend: backend).map {
            PermissionExplanation.ResponseRedaction(path: $0.pathDescription, mode: $0.mode, rule: policy.rule($0.rule))
        }
        return PermissionExplanation(
            backend: policy.backendName(backend), chargePoint: chargePoint, call: call,
            warnings: PayloadCheck.warnings(for: call, fromChargePoint: false, catalog: policy.catalog), owner: owner,
            allowed: decision.allowed, decidingRule: policy.rule(decision.rule),
            matchedRules: decision.matchedRules.compactMap(policy.rule),
            skippedRules: chargePoint == nil ? skipped(action: call.action, backend: backend) : [],
            responseRedactions: redactions)
    }

    /// The rules for `backend` and `action` in groups that an unnamed charge point does not match.
    private func skipped(action: String, backend: Int) -> [RuleInfo] {
        guard let index = policy.catalog.actionIndex(named: action) else { return [] }
        return policy.backendCalls[index].groups
            .filter { group in group.chargePoints.map { !$0.matches("") } ?? false }
            .flatMap(\.leaves).filter { $0.backends.contains(backend) }
            .compactMap { policy.rule($0.rule) }
    }
}
