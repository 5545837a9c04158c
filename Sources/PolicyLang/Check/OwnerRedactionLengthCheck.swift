/// E306: `as owner` writes the owner backend's name into the field; a name longer than the field's
/// maximum length makes a message the backend's schema rejects.
struct OwnerRedactionLengthCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        let policy = context.policy
        // The names that can stand in the field: every backend an owner rule names (else any).
        var owners = policy.ownerRules.compactMap { $0.backend >= 0 ? policy.backends[$0.backend] : nil }
        if owners.isEmpty { owners = policy.backends }
        guard let longest = owners.max(by: { $0.count < $1.count }) else { return }
        for rule in policy.redactionRules where rule.mode == .owner {
            for (field, targets) in zip(rule.syntax.fields, rule.targets) {
                let tooShort = targets.compactMap { target -> (String, Int)? in
                    guard case .string(let maxLength?, _) = target.field.type.elementType, longest.count > maxLength else { return nil }
                    return (target.actionName, maxLength)
                }
                guard let (action, maxLength) = tooShort.min(by: { $0.1 < $1.1 }) else { continue }
                context.report(.valueTooLong,
                               "backend name `\(longest)` (\(longest.count) characters) does not fit `\(field)`, "
                                   + "which holds at most \(maxLength) in `\(action)`",
                               at: field.span, label: "at most \(maxLength) characters",
                               help: "rename the backend to at most \(maxLength) characters, or redact `\(field)` with `hash` or `mask`")
            }
        }
    }
}
