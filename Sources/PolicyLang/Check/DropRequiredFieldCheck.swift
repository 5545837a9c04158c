/// E300: `as drop` removes a field, which only an optional field survives: a message without a
/// required field breaks the schema the backend validates.
struct DropRequiredFieldCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        for rule in context.policy.redactionRules where rule.mode == .drop {
            for (field, targets) in zip(rule.syntax.fields, rule.targets) {
                let required = targets.filter(\.field.required)
                guard let first = required.first else { continue }
                var actions: [String] = []
                for target in required where !actions.contains(target.actionName) { actions.append(target.actionName) }
                let isText = required.allSatisfy { if case .string = $0.field.type.elementType { true } else { false } }
                var help = isText
                    ? "`drop` removes only optional fields; rewrite it instead with `mask`, `hash` or `owner`"
                    : "`drop` removes only optional fields; a required \(first.field.type.kindName) field cannot be redacted"
                if targets.contains(where: { !actions.contains($0.actionName) }) {
                    help += ", or limit the rule with `in` to actions where `\(field)` is optional"
                }
                // A bare name stands for every path ending in it: say which one is required.
                let path = first.path.joined(separator: ".")
                let subject = path == field.description ? "`\(field)` is" : "`\(field)` covers `\(path)`, which is"
                context.report(.dropRequiredField,
                               "\(subject) required in \(CheckContext.quotedList(actions)): dropping it breaks the message",
                               at: field.span, label: "required in `\(first.actionName)`", help: help)
            }
        }
    }
}
