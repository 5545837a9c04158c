/// What happened to one action's messages for one backend during a replay.
struct ActionStats: Sendable, Equatable {
    /// Charge-point calls forwarded to the backend.
    var routed = 0
    /// Of those, the ones the backend answers.
    var answered = 0
    /// Calls from the backend the policy lets through.
    var allowed = 0
    /// Calls from the backend the policy refuses.
    var denied = 0
    /// Denials per deciding rule (`site.policy:27`, or `default deny`), in first-seen order.
    var deniedBy: [(rule: String, count: Int)] = []
    /// Messages (calls or answers) the backend receives with fields redacted.
    var redacted = 0
    /// The redacted fields, in first-seen order.
    var redactedFields: [String] = []

    /// Counts a denial by `rule`.
    mutating func deny(by rule: String) {
        denied += 1
        if let index = deniedBy.firstIndex(where: { $0.rule == rule }) { deniedBy[index].count += 1 } else {
            deniedBy.append((rule, 1))
        }
    }

    /// Counts a redacted message when `fields` is not empty.
    mutating func redact(_ fields: [String]) {
        guard !fields.isEmpty else { return }
        redacted += 1
        for field in fields where !redactedFields.contains(field) { redactedFields.append(field) }
    }

    /// Equal counts, rules and fields.
    static func == (lhs: ActionStats, rhs: ActionStats) -> Bool {
        lhs.routed == rhs.routed && lhs.answered == rhs.answered && lhs.allowed == rhs.allowed && lhs.denied == rhs.denied
            && lhs.deniedBy.map(\.rule) == rhs.deniedBy.map(\.rule) && lhs.deniedBy.map(\.count) == rhs.deniedBy.map(\.count)
            && lhs.redacted == rhs.redacted && lhs.redactedFields == rhs.redactedFields
    }
}
