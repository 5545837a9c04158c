import Runtime

/// Which rules no case exercised.
///
/// A rule is exercised when it appears in a decision's trace: a matching route rule, the owner
/// rule, the rule that chose the responder, the deciding or a matching allow/deny rule, or a
/// redaction rule that changed a backend's copy.
enum RuleCoverage {
    /// The rules no result exercised, in file order.
    static func unexercised(rules: [RuleInfo], results: [CaseResult]) -> [RuleInfo] {
        let exercised = results.reduce(into: Set<Int>()) { $0.formUnion($1.exercisedRules) }
        return rules.filter { !exercised.contains($0.index) }
    }
}
