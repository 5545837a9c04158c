/// W105: two owner rules for different backends whose idTag conditions can match the same idTag;
/// the first one wins silently. Rules that W100 already reports as unreachable are left out.
struct OverlappingOwnersCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        let policy = context.policy
        let analysis = OwnerRuleAnalysis(policy: policy)
        for overlap in analysis.overlaps {
            let later = policy.ownerRules[overlap.later].syntax
            let earlier = policy.ownerRules[overlap.earlier].syntax
            let line = context.line(of: earlier.span)
            context.report(.overlappingOwners,
                           "idTag `\(overlap.witness)` matches both this owner rule for `\(later.backend.name)` and the one "
                               + "for `\(earlier.backend.name)` at line \(line); it goes to `\(earlier.backend.name)`",
                           at: overlap.span, label: "overlaps line \(line)",
                           help: "make the patterns exclusive so each idTag has one owner, or remove the overlap from one list",
                           notes: [context.note("`\(earlier.backend.name)` matches first here", at: earlier.span)])
        }
    }
}
