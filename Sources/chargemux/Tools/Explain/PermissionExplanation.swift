import Runtime

/// Whether a backend's call may reach a charge point, which rule decided, and what the charge
/// point's answer loses on its way back to that backend.
struct PermissionExplanation: Sendable {
    /// The calling backend.
    var backend: String
    /// The charge point asked about; `nil` when none was given.
    var chargePoint: String?
    /// The call explained.
    var call: CallMessage
    /// Catalog findings about the call.
    var warnings: [String]
    /// The transaction's owner given with `--owner`.
    var owner: String?
    /// Whether the call reaches the charge point.
    var allowed: Bool
    /// The deny that refused, the allow that allowed; `nil` for the default deny.
    var decidingRule: RuleInfo?
    /// Every allow and deny rule that matched, in file order.
    var matchedRules: [RuleInfo]
    /// Rules for this backend and action limited to charge points, skipped because no
    /// `--charge-point` was given.
    var skippedRules: [RuleInfo]
    /// Redactions of the charge point's answer for this backend.
    var responseRedactions: [ResponseRedaction]

    /// One field of the answer rewritten for the backend.
    struct ResponseRedaction: Sendable {
        var path: String
        var mode: RedactionMode
        var rule: RuleInfo?
    }

    /// `no allow rule matches: default deny`, or the deciding rule's verdict.
    var verdict: String {
        guard let rule = decidingRule else { return allowed ? "allowed" : "no allow rule matches: default deny" }
        return "\(allowed ? "allowed" : "denied") by \(rule.location)"
    }
}
