/// E305: `answered by B` picks the responder among the rule's targets; a backend that is not one
/// of them would answer a message it was never meant to get.
struct ResponderTargetCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        let policy = context.policy
        let ownerBackends = Set(policy.ownerRules.map(\.backend))
        for rule in policy.routeRules {
            guard let responder = rule.answeredBy, let syntax = rule.syntax.answeredBy else { continue }
            let isTarget = rule.targets.contains { target in
                switch target {
                case .all: true
                case .backend(let index): index == responder
                case .primary: policy.primary == responder
                case .owner: ownerBackends.contains(responder)
                case .gateway: false
                }
            }
            guard !isTarget else { continue }
            let targets = rule.syntax.targets.map(\.name).joined(separator: ", ")
            context.report(.responderNotTarget,
                           "`answered by \(syntax.name)` names a backend this rule does not route to",
                           at: syntax.span, label: "not among `\(targets)`",
                           help: "add `\(syntax.name)` to the targets (`to \(targets), \(syntax.name)`) or answer with one of them")
        }
    }
}
