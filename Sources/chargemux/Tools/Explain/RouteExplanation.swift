import OCPP
import Runtime

/// Why a charge-point call goes where it goes: the owner, the matching rules, the responder and
/// the payload each target receives.
struct RouteExplanation: Sendable {
    /// How the owner was found.
    enum OwnerSource: Sendable, Equatable {
        /// `--owner` (or, in replay, the transaction's owner).
        case given
        /// The owner rule that matched the message's idTag.
        case rule(RuleInfo)
        /// No owner: the message carries no idTag, or no owner rule matches it.
        case none(reason: String)
    }

    /// Why the responder answers, in the order the gateway checks.
    enum ResponderReason: String, Sendable {
        case answeredBy = "answered by"
        case owner
        case primary
        case gateway
        case firstTarget = "first target"
    }

    /// What the gateway does with the call.
    enum Outcome: Sendable, Equatable {
        case forward
        case gatewayAnswers(String)
        case callError(code: String, reason: String)
    }

    var chargePoint: String
    var call: CallMessage
    var warnings: [String]
    var owner: String?
    var ownerSource: OwnerSource
    var matchedRules: [RuleInfo]
    /// Backend targets, in backend order.
    var targets: [String]
    var gatewayIsTarget: Bool
    /// A backend's name or `gateway`; `nil` when rejected.
    var responder: String?
    var responderReason: ResponderReason?
    var responderRule: RuleInfo?
    var outcome: Outcome
    /// What each target backend receives; empty when rejected.
    var deliveries: [Delivery]
    /// Whether a pseudonym was computed with the default test key.
    var usedDefaultHashKey: Bool
}
