/// E302 and W107: two redactions of the same field of the same action, for the same backend and
/// side (request or response): different modes conflict (E302), the same mode is a repeat (W107).
struct RedactionConflictCheck: PolicyCheck {
    private struct Key: Hashable {
        var action: Int
        var inResponse: Bool
        var path: [String]
        var backend: Int
    }

    private struct Claim {
        var rule: Int
        var field: Int
        var mode: RedactionModeName
    }

    static func run(_ context: inout CheckContext) {
        let policy = context.policy
        var claims: [Key: Claim] = [:]
        for (position, rule) in policy.redactionRules.enumerated() {
            var backends: [Int] = []
            for backend in rule.backends.indices(count: policy.backends.count) where !backends.contains(backend) {
                backends.append(backend)
            }
            for (fieldOffset, targets) in rule.targets.enumerated() {
                var conflict: (claim: Claim, action: String, backend: Int)?
                var repeated: Claim?
                var pairs = 0
                var repeats = 0
                for target in targets {
                    for backend in backends {
                        let key = Key(action: target.actionIndex, inResponse: target.inResponse, path: target.path, backend: backend)
                        pairs += 1
                        guard let claim = claims[key] else {
                            claims[key] = Claim(rule: position, field: fieldOffset, mode: rule.mode)
                            continue
                        }
                        if claim.rule == position && claim.field == fieldOffset { pairs -= 1; continue }
                        if claim.mode != rule.mode {
                            if conflict == nil { conflict = (claim, target.actionName, backend) }
                        } else {
                            repeats += 1
                            if repeated == nil { repeated = claim }
                        }
                    }
                }
                let field = rule.syntax.fields[fieldOffset]
                if let conflict {
                    let other = policy.redactionRules[conflict.claim.rule]
                    let otherField = other.syntax.fields[conflict.claim.field]
                    let line = context.line(of: otherField.span)
                    context.report(.conflictingRedaction,
                                   "`\(field)` in `\(conflict.action)` for `\(policy.backends[conflict.backend])` is redacted as "
                                       + "`\(rule.mode.rawValue)` here but as `\(conflict.claim.mode.rawValue)` at line \(line)",
                                   at: field.span, label: "conflicts with line \(line)",
                                   help: "give each field one mode per backend: change or remove one of the rules",
                                   notes: [context.note("redacted as `\(conflict.claim.mode.rawValue)` here", at: otherField.span)])
                } else if let repeated, repeats == pairs {
                    let otherField = policy.redactionRules[repeated.rule].syntax.fields[repeated.field]
                    let line = context.line(of: otherField.span)
                    context.report(.duplicateRedaction,
                                   "this redaction of `\(field)` as `\(rule.mode.rawValue)` repeats line \(line)",
                                   at: field.span, label: "already redacted at line \(line)",
                                   help: "remove the repeat",
                                   notes: [context.note("first redacted here", at: otherField.span)])
                }
            }
        }
    }
}
