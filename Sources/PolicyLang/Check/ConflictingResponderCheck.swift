/// E301: two route rules that can match the same message and name different `answered by`
/// backends; only one can answer, and which one would depend on file order.
///
/// Rules whose conditions cannot both hold (`vendorId == "a"` / `vendorId == "b"`, charge-point
/// patterns that do not meet, `P` / `not P`) do not conflict. Rules are compared per action, and
/// within an action only with the rules an `==` on the same subject does not already set apart.
struct ConflictingResponderCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        let policy = context.policy
        let formulas = policy.routeRules.map { $0.condition.map(Formula.init) }
        var buckets: [Int: [Int]] = [:]
        for (position, rule) in policy.routeRules.enumerated() where rule.answeredBy != nil {
            if formulas[position]?.containsFalse == true { continue }
            for action in rule.actions { buckets[action.index, default: []].append(position) }
        }
        // Per later rule: the earliest earlier rule it conflicts with, and on which actions.
        var conflicts: [Int: (earlier: Int, actions: [String])] = [:]
        for actionIndex in buckets.keys.sorted() {
            let members = buckets[actionIndex]!
            let action = policy.catalog.actions[actionIndex]
            let site = context.site(action)
            let candidates = OverlapCandidates(formulas: members.map { formulas[$0] }, site: site)
            for (item, position) in members.enumerated() {
                let responder = policy.routeRules[position].answeredBy
                for candidate in candidates.candidates(before: item) {
                    let earlier = members[candidate]
                    guard policy.routeRules[earlier].answeredBy != responder,
                          !ConditionLogic.disjoint(formulas[earlier], formulas[position], at: site) else { continue }
                    if let known = conflicts[position], known.earlier < earlier { break }
                    if conflicts[position]?.earlier == earlier {
                        conflicts[position]!.actions.append(action.name)
                    } else {
                        conflicts[position] = (earlier, [action.name])
                    }
                    break
                }
            }
        }
        for position in conflicts.keys.sorted() {
            let (earlier, actions) = conflicts[position]!
            let rule = policy.routeRules[position]
            let other = policy.routeRules[earlier]
            guard let here = rule.syntax.answeredBy, let there = other.syntax.answeredBy else { continue }
            context.report(.conflictingResponder,
                           "`answered by \(here.name)` disagrees with `answered by \(there.name)` at line \(context.line(of: there.span)) "
                               + "for \(CheckContext.quotedList(actions)): both rules can match one message",
                           at: here.span, label: "conflicts with line \(context.line(of: there.span))",
                           help: "name the same backend in both, or make their conditions exclusive so that one "
                               + "message matches only one of them",
                           notes: [context.note("the other `answered by`", at: there.span)])
        }
    }
}
