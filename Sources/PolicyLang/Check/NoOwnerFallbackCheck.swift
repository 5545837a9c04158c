/// W103: without `owner ... otherwise`, a user no owner rule matches has no owner, so `to owner`
/// routes their transactions nowhere.
struct NoOwnerFallbackCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        let owners = context.policy.ownerRules
        guard !owners.contains(where: { $0.condition == nil }) else { return }
        let usesOwner = context.policy.routeRules.contains { $0.targets.contains(.owner) }
        guard usesOwner || !owners.isEmpty else { return }
        let span = owners.last?.syntax.span ?? context.headerSpan
        context.report(.noOwnerFallback, "no `owner ... otherwise` rule: users no owner rule matches have no owner",
                       at: span, help: "add `owner BACKEND otherwise` after the other owner rules; until then "
                           + "`to owner` adds no target for such users")
    }
}
