import OCPP

/// For rules of one action, the earlier rules that might match a message together with a given
/// rule: those that a top-level `x == "v"` conjunct on a single-valued subject does not already set
/// apart (`vendorId == "a"` never meets `vendorId == "b"`).
///
/// This keeps "do two rules overlap" checks near-linear for the common large policy, one rule per
/// vendor, charge point or configuration key, without comparing every pair.
struct OverlapCandidates {
    /// Per item: subject → the value its `==` conjunct requires.
    private var equalities: [[String: String]] = []
    private var itemsByValue: [String: [String: [Int]]] = [:]
    private var itemsWithout: [String: [Int]] = [:]

    init(formulas: [Formula?], site: EvaluationSite) {
        var subjects = Set<String>()
        for formula in formulas {
            var found: [String: String] = [:]
            for atom in (formula?.conjuncts ?? []).compactMap(\.atom) {
                guard let values = atom.acceptedValues, values.count == 1, site.isSingleValued(atom.subject) else { continue }
                let subject = atom.subjectKey + (atom.caseInsensitive ? " ~i" : "")
                if found[subject] == nil {
                    found[subject] = Atom.valueKey(values[0], caseInsensitive: atom.caseInsensitive)
                }
            }
            subjects.formUnion(found.keys)
            equalities.append(found)
        }
        for (item, found) in equalities.enumerated() {
            for subject in subjects {
                if let value = found[subject] {
                    itemsByValue[subject, default: [:]][value, default: []].append(item)
                } else {
                    itemsWithout[subject, default: []].append(item)
                }
            }
        }
    }

    /// The items before `item` not set apart from it, in order.
    func candidates(before item: Int) -> [Int] {
        var best: (byValue: [Int], without: [Int])?
        for (subject, value) in equalities[item] {
            let byValue = itemsByValue[subject]?[value] ?? []
            let without = itemsWithout[subject] ?? []
            if best == nil || byValue.count + without.count < best!.byValue.count + best!.without.count {
                best = (byValue, without)
            }
        }
        guard let best else { return Array(0..<item) }
        var merged: [Int] = []
        var left = 0
        var right = 0
        while true {
            let nextLeft = left < best.byValue.count && best.byValue[left] < item ? best.byValue[left] : nil
            let nextRight = right < best.without.count && best.without[right] < item ? best.without[right] : nil
            switch (nextLeft, nextRight) {
            case (nil, nil): return merged
            case (let l?, nil): merged.append(l); left += 1
            case (nil, let r?): merged.append(r); right += 1
            case (let l?, let r?):
                if l < r { merged.append(l); left += 1 } else { merged.append(r); right += 1 }
            }
        }
    }
}

/// Which `deny` refuses a backend an action whenever an `allow`'s condition holds: an
/// unconditional deny, or one whose condition the allow's condition implies.
struct DenyIndex {
    private struct ConditionalDeny {
        var rule: Int
        var backends: Set<Int>
        var formula: Formula
    }

    /// Per action: backend → the first unconditional deny.
    private var unconditional: [Int: [Int: Int]] = [:]
    /// Per action and condition key: backend → the first deny with that condition.
    private var byCondition: [String: [Int: Int]] = [:]
    private var conditional: [Int: [ConditionalDeny]] = [:]
    /// Steps of implication reasoning left for conditional denies over the whole policy; past it,
    /// a conditional deny no longer counts as covering (a missed warning, never a false one).
    private var steps = 1_000_000

    init(policy: ResolvedPolicy) {
        for (position, rule) in policy.permissionRules.enumerated() where rule.effect == .deny {
            let backends = Array(Set(rule.backends.indices(count: policy.backends.count)))
            let formula = rule.condition.map(Formula.init)
            if let formula, formula.containsFalse { continue }
            for action in rule.actions {
                guard let formula, !ConditionLogic.implies(nil, formula) else {
                    for backend in backends where unconditional[action.index]?[backend] == nil {
                        unconditional[action.index, default: [:]][backend] = position
                    }
                    continue
                }
                let key = "\(action.index) \(formula.key)"
                for backend in backends where byCondition[key]?[backend] == nil {
                    byCondition[key, default: [:]][backend] = position
                }
                conditional[action.index, default: []].append(ConditionalDeny(rule: position, backends: Set(backends), formula: formula))
            }
        }
    }

    /// The deny (position among the permission rules) that refuses `backend` the action whenever
    /// `condition` holds, if there is one.
    mutating func denial(action: Int, backend: Int, when condition: Formula?) -> Int? {
        if let rule = unconditional[action]?[backend] { return rule }
        guard let condition else { return nil }
        if let rule = byCondition["\(action) \(condition.key)"]?[backend] { return rule }
        for deny in conditional[action] ?? [] where deny.backends.contains(backend) {
            guard steps > 0 else { return nil }
            if ConditionLogic.implies(condition, deny.formula, steps: &steps) { return deny.rule }
        }
        return nil
    }
}
