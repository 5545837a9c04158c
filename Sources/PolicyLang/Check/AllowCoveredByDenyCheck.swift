/// W101: an `allow` every one of whose (backend, action) pairs a `deny` refuses whenever the
/// allow applies (deny overrides allow, whatever the order), so the allow never lets anything
/// through.
struct AllowCoveredByDenyCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        let policy = context.policy
        var denies = DenyIndex(policy: policy)
        for rule in policy.permissionRules where rule.effect == .allow {
            let formula = rule.condition.map(Formula.init)
            let backends = Set(rule.backends.indices(count: policy.backends.count)).sorted()
            if formula?.containsFalse == true || backends.isEmpty || rule.actions.isEmpty { continue }
            var denying: [Int] = []
            var covered = true
            pairs: for action in rule.actions {
                for backend in backends {
                    guard let deny = denies.denial(action: action.index, backend: backend, when: formula) else {
                        covered = false
                        break pairs
                    }
                    if !denying.contains(deny) { denying.append(deny) }
                }
            }
            guard covered else { continue }
            let spans = denying.sorted().map { policy.permissionRules[$0].syntax.span }
            let lines = spans.map { context.line(of: $0) }
            let where_ = lines.count == 1 ? "the `deny` at line \(lines[0])" : "the `deny` rules at lines "
                + lines.map(String.init).joined(separator: ", ")
            context.report(.allowCoveredByDeny, "this `allow` never allows anything: \(where_) refuses all of it",
                           at: rule.syntax.span, label: "overridden by line \(lines[0])",
                           help: "deny overrides allow in any order: remove the `allow`, or narrow the `deny`",
                           notes: spans.prefix(3).map { context.note("denied here", at: $0) })
        }
    }
}
