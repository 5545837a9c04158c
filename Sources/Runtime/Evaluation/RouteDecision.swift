import OCPP

/// Who answers a charge-point call.
public enum Responder: Sendable, Hashable {
    case backend(Int)
    case gateway
}

/// Where a charge-point call goes and who answers it.
public struct RouteDecision: Sendable {
    /// What happens to the call.
    public enum Outcome: Sendable, Equatable {
        /// Forward to `targets`; `responder` answers the charge point.
        case forward
        /// The gateway answers the charge point itself (`to gateway`, or every target fell away);
        /// `targets` may still get copies.
        case gatewayAnswers(GatewayAnswer)
        /// The gateway answers with a CALLERROR: `NotImplemented` for an unknown action,
        /// `NotSupported` for one no rule routes.
        case reject(errorCode: String, reason: String)
    }

    public var action: String
    public var outcome: Outcome
    /// The backends that get a copy, each redacted for itself.
    public var targets: TargetSet
    /// Whether `gateway` is among the targets.
    public var gatewayIsTarget: Bool
    /// Who answers the charge point; `nil` when rejected.
    public var responder: Responder?
    /// The owner backend of the message's user or transaction, if any.
    public var owner: Int?
    /// The owner rule that decided `owner` (absent when the transaction's owner was given).
    public var ownerRule: Int?
    /// Route rules that matched, in file order (filled only when tracing).
    public var matchedRules: [Int]
    /// The rule whose `answered by`, owner, primary or order chose the responder.
    public var responderRule: Int?
}

/// Whether a backend's call may reach the charge point, and which rule says so.
public struct PermissionDecision: Sendable, Equatable {
    public var allowed: Bool
    /// The deny rule that refused, the allow rule that allowed, or `nil` for the default deny.
    public var rule: Int?
    /// Every allow and deny rule that matched, in file order (filled only when tracing).
    public var matchedRules: [Int]
}
