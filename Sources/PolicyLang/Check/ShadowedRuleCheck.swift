/// W100: a rule that can never change anything because of earlier rules.
///
/// - An `owner` rule after `owner ... otherwise`, or whose users earlier owner rules all match
///   (first match wins): `FLEET-*` after `F*`, a value after a glob or list that has it, a list
///   whose every entry is matched earlier, a condition identical to an earlier one.
/// - A `route`, `allow` or `deny` rule that repeats, for each of its actions (and backends), an
///   earlier rule with the same targets (or effect) and an identical condition.
struct ShadowedRuleCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        reportOwnerRules(&context)
        reportRepeatedRoutes(&context)
        reportRepeatedPermissions(&context)
    }

    private static func reportOwnerRules(_ context: inout CheckContext) {
        let policy = context.policy
        let analysis = OwnerRuleAnalysis(policy: policy)
        for position in analysis.shadows.keys.sorted() {
            let rule = policy.ownerRules[position]
            let backend = rule.syntax.backend.name
            switch analysis.shadows[position]! {
            case .afterFallback(let fallback):
                let other = policy.ownerRules[fallback].syntax
                let line = context.line(of: other.span)
                let fallbackText = other.condition == nil ? "`owner \(other.backend.name) otherwise`" : "the owner rule"
                context.report(.shadowedRule, "this owner rule for `\(backend)` can never match: \(fallbackText) "
                                   + "at line \(line) already owns every user",
                               at: rule.syntax.span, label: "unreachable",
                               help: "move it above line \(line), or remove it",
                               notes: [context.note("every user is owned here first", at: other.span)])
            case .coveredBy(let earlier):
                let lines = earlier.map { context.line(of: policy.ownerRules[$0].syntax.span) }
                let where_ = lines.count == 1 ? "line \(lines[0])" : "lines " + lines.map(String.init).joined(separator: ", ")
                context.report(.shadowedRule, "this owner rule for `\(backend)` can never match: every user it matches "
                                   + "is owned by the earlier rule\(lines.count == 1 ? "" : "s") at \(where_)",
                               at: rule.syntax.span, label: "shadowed by \(where_)",
                               help: "first match wins: move it above the broader rule if it is an exception, or remove it",
                               notes: earlier.prefix(3).map { context.note("matches first", at: policy.ownerRules[$0].syntax.span) })
            }
        }
    }

    /// What a route rule adds for one action, without the order of targets (a later duplicate is
    /// never the first matching rule, so its first target never counts).
    private static func routeKey(_ rule: ResolvedRouteRule, action: Int, policy: ResolvedPolicy, condition: String) -> String {
        var backends = Set<Int>()
        var flags = ""
        for target in rule.targets {
            switch target {
            case .backend(let index): backends.insert(index)
            case .all: backends.formUnion(0..<policy.backends.count)
            case .primary: if let primary = policy.primary { backends.insert(primary) }
            case .owner: flags += "o"
            case .gateway: flags += "g"
            }
        }
        let responder = rule.answeredBy.map(String.init) ?? "-"
        return "\(action)|\(backends.sorted())|\(flags)|\(responder)|\(condition)"
    }

    private static func reportRepeatedRoutes(_ context: inout CheckContext) {
        let policy = context.policy
        var first: [String: Int] = [:]
        for (position, rule) in policy.routeRules.enumerated() {
            let formula = rule.condition.map(Formula.init)
            if formula?.containsFalse == true || rule.actions.isEmpty || rule.targets.isEmpty { continue }
            let condition = formula?.key ?? "true"
            let keys = rule.actions.map { routeKey(rule, action: $0.index, policy: policy, condition: condition) }
            let earlier = repeatedRules(keys, first: &first, position: position)
            guard !earlier.isEmpty else { continue }
            report(&context, rule.syntax.span, earlier.map { policy.routeRules[$0].syntax.span }, what: "route")
        }
    }

    private static func reportRepeatedPermissions(_ context: inout CheckContext) {
        let policy = context.policy
        var first: [String: Int] = [:]
        for (position, rule) in policy.permissionRules.enumerated() {
            let formula = rule.condition.map(Formula.init)
            let backends = Set(rule.backends.indices(count: policy.backends.count))
            if formula?.containsFalse == true || rule.actions.isEmpty || backends.isEmpty { continue }
            let condition = formula?.key ?? "true"
            let keys = rule.actions.flatMap { action in
                backends.sorted().map { "\(rule.effect.rawValue)|\(action.index)|\($0)|\(condition)" }
            }
            let earlier = repeatedRules(keys, first: &first, position: position)
            guard !earlier.isEmpty else { continue }
            report(&context, rule.syntax.span, earlier.map { policy.permissionRules[$0].syntax.span },
                   what: "`\(rule.effect.rawValue)`")
        }
    }

    /// The earlier rules that have every key, or none if one key is new; records the new keys.
    private static func repeatedRules(_ keys: [String], first: inout [String: Int], position: Int) -> [Int] {
        var earlier: [Int] = []
        var repeated = true
        for key in keys {
            if let rule = first[key] {
                if !earlier.contains(rule) { earlier.append(rule) }
            } else {
                repeated = false
                first[key] = position
            }
        }
        return repeated ? earlier : []
    }

    private static func report(_ context: inout CheckContext, _ span: SourceSpan, _ earlier: [SourceSpan], what: String) {
        let lines = earlier.map { context.line(of: $0) }
        let message = lines.count == 1
            ? "this \(what) rule repeats the rule at line \(lines[0]) and adds nothing"
            : "every action of this \(what) rule is already covered the same way at lines "
                + lines.map(String.init).joined(separator: ", ")
        context.report(.shadowedRule, message, at: span, label: "repeats line \(lines[0])",
                       help: "remove it, or change its condition if it was meant to cover other messages",
                       notes: earlier.prefix(3).map { context.note("the same rule, earlier", at: $0) })
    }
}
