import OCPP

/// E304: `mask`, `hash` and `owner` rewrite text; a number, boolean, enumeration, date-time or
/// object rewritten that way would break the schema (or, for values of any type, leak unchanged).
struct RedactionTypeCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        for rule in context.policy.redactionRules where rule.mode != .drop {
            for (field, targets) in zip(rule.syntax.fields, rule.targets) {
                guard let bad = targets.first(where: { !isPlainString($0.field.type) }) else { continue }
                let kind = bad.field.type.elementType.kindName
                let what = kind == "any" ? "can hold any JSON value" : "is \(article(kind))"
                let help = bad.field.required
                    ? "`mask`, `hash` and `owner` rewrite only string fields; remove `\(field)` from this rule"
                    : "`mask`, `hash` and `owner` rewrite only string fields; use `as drop` to remove it"
                context.report(.redactionNotApplicable,
                               "`\(field)` \(what) in `\(bad.actionName)`, which `\(rule.mode.rawValue)` cannot rewrite",
                               at: field.span, label: "not a string", help: help)
            }
        }
    }

    /// A string (or an array of strings) without a fixed format: not an enumeration or date-time.
    static func isPlainString(_ type: FieldType) -> Bool {
        if case .string = type.elementType { return true }
        return false
    }

    private static func article(_ noun: String) -> String {
        ["a", "e", "i", "o", "u"].contains(noun.first.map(String.init) ?? "") ? "an \(noun)" : "a \(noun)"
    }
}
