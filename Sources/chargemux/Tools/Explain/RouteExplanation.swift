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

    /// The sending charge point.
    var chargePoint: String
    /// The call explained.
    var call: CallMessage
    /// Catalog findings about the call.
    var warnings: [String]
    /// The owner backend, if any.
    var owner: String?
    /// Where the owner came from.
    var ownerSource: OwnerSource
    /// The route rules that matched, in file order.
    var matchedRules: [RuleInfo]
    /// Backend targets, in backend order.
    var targets: [String]
    /// Whether a rule routes to `gateway`.
    var gatewayIsTarget: Bool
    /// A backend's name or `gateway`; `nil` when rejected.
    var responder: String?
    /// Why the responder answers.
    var responderReason: ResponderReason?
    /// The rule behind the responder.
    var responderRule: RuleInfo?
    /// What the gateway does.
    var outcome: Outcome
    /// What each target backend receives; empty when rejected.
    var deliveries: [Delivery]
    /// Whether a pseudonym was computed with the default test key.
    var usedDefaultHashKey: Bool
}
