import OCPP

/// What W100 (shadowed owner rules) and W105 (overlapping owner patterns) need to know about the
/// owner rules: which rules can never fire, and which pairs can both match one idTag.
///
/// Owner rules are often many (one per fleet prefix or badge), so nothing here compares all pairs:
/// the values and globs of `idTag == / in / matches` conditions are indexed by their fixed prefix
/// (a glob can only include, or meet, another whose fixed prefix is comparable), and only the few
/// rules of another shape are compared pairwise, within a budget.
struct OwnerRuleAnalysis {
    /// Why an owner rule can never fire.
    enum Shadow {
        /// It comes after the `otherwise` (or `when true`) rule at this position.
        case afterFallback(Int)
        /// Earlier rules (positions) together match every user it matches.
        case coveredBy([Int])
    }

    /// Two owner rules for different backends that can both match one idTag.
    struct Overlap {
        var later: Int
        var earlier: Int
        var witness: String
        /// The later rule's comparison that overlaps.
        var span: SourceSpan
    }

    let rules: [ResolvedOwnerRule]
    let formulas: [Formula?]
    /// Owner rules judge the user, not a message.
    let site: EvaluationSite
    private(set) var shadows: [Int: Shadow] = [:]
    private(set) var overlaps: [Overlap] = []

    /// Steps of pairwise reasoning allowed over the whole policy for rules the index cannot
    /// answer; past it, such rules are not reported (a missed warning, never a false one).
    static let pairwiseBudget = 1_000_000

    init(policy: ResolvedPolicy) {
        rules = policy.ownerRules
        formulas = rules.map { $0.condition.map(Formula.init) }
        site = EvaluationSite(action: nil, catalog: policy.catalog, version: policy.version)
        findShadows()
        findOverlaps()
    }

    // MARK: Shadowing (W100)

    private mutating func findShadows() {
        var fallback: Int?
        var firstByKey: [String: Int] = [:]
        var indexes: [String: ValueIndex] = [:]
        var complex: [Int] = []
        var budget = Self.pairwiseBudget
        for (position, formula) in formulas.enumerated() {
            if let fallback {
                shadows[position] = .afterFallback(fallback)
                continue
            }
            guard let formula, !ConditionLogic.implies(nil, formula) else {
                fallback = position
                continue
            }
            // A rejected comparison became `false` and has its own error.
            guard !formula.containsFalse else { continue }
            if let earlier = firstByKey[formula.key] {
                shadows[position] = .coveredBy([earlier])
            } else if let covering = coveredByIndexed(formula, before: position, indexes: indexes) {
                shadows[position] = .coveredBy(covering.sorted())
            } else {
                for earlier in complex {
                    budget -= 1
                    guard budget > 0 else { break }
                    if let earlierFormula = formulas[earlier], ConditionLogic.implies(formula, earlierFormula, steps: &budget) {
                        shadows[position] = .coveredBy([earlier])
                        break
                    }
                }
            }
            if firstByKey[formula.key] == nil { firstByKey[formula.key] = position }
            if let set = ValueSet(formula) {
                indexes[set.indexKey, default: ValueIndex(caseInsensitive: set.caseInsensitive)].insert(set, rule: position)
            } else {
                complex.append(position)
            }
        }
    }

    /// The earlier rules whose value sets together cover `formula`, if the index shows them.
    private func coveredByIndexed(_ formula: Formula, before position: Int, indexes: [String: ValueIndex]) -> Set<Int>? {
        switch formula.node {
        case .or(let parts):
            var union = Set<Int>()
            for part in parts {
                guard let covering = coveredByIndexed(part, before: position, indexes: indexes) else { return nil }
                union.formUnion(covering)
            }
            return union
        case .and(let parts):
            for part in parts {
                if let covering = coveredByIndexed(part, before: position, indexes: indexes) { return covering }
            }
            return nil
        case .atom:
            guard let set = ValueSet(formula), !set.isEmpty, let index = indexes[set.indexKey] else { return nil }
            var union = Set<Int>()
            for literal in set.literals {
                guard let rule = index.firstCovering(value: literal.value, before: position) else { return nil }
                union.insert(rule)
            }
            for glob in set.globs {
                guard let rule = index.firstCovering(glob: glob.pattern, before: position) else { return nil }
                union.insert(rule)
            }
            return union
        default:
            return nil
        }
    }

    // MARK: Overlaps (W105)

    /// An owner rule's idTag constraint: the whole condition, or a top-level conjunct of it.
    private struct IdTagPart {
        var set: ValueSet
        var rest: Formula?
    }

    private func idTagPart(_ formula: Formula?) -> IdTagPart? {
        guard let formula else { return nil }
        if let set = ValueSet(formula), set.subjectKey == "attribute:idTag" { return IdTagPart(set: set, rest: nil) }
        guard !formula.containsFalse, case .and(let parts) = formula.node else { return nil }
        for (offset, part) in parts.enumerated() {
            guard let set = ValueSet(part), set.subjectKey == "attribute:idTag" else { continue }
            var rest = parts
            rest.remove(at: offset)
            return IdTagPart(set: set, rest: rest.count == 1 ? rest[0] : Formula(.and(rest)))
        }
        return nil
    }

    private mutating func findOverlaps() {
        let parts = formulas.map(idTagPart)
        // Every idTag value and glob of every live rule, by folded text and by fixed prefix.
        var literals: [String: [(rule: Int, value: String)]] = [:]
        var globs: [String: [(rule: Int, pattern: String)]] = [:]
        var sortedKeys: [(key: String, rule: Int, text: String, isGlob: Bool)] = []
        for (position, part) in parts.enumerated() {
            guard let part, rules[position].backend >= 0, shadows[position] == nil else { continue }
            for literal in part.set.literals {
                guard case .string(let text) = literal.value else { continue }
                let key = GlobAnalysis.folded(text)
                literals[key, default: []].append((position, text))
                sortedKeys.append((key, position, text, false))
            }
            for glob in part.set.globs {
                let prefix = GlobAnalysis.fixedPrefix(glob.pattern, caseInsensitive: true)
                globs[prefix, default: []].append((position, glob.pattern))
                sortedKeys.append((prefix, position, glob.pattern, true))
            }
        }
        sortedKeys.sort { $0.key < $1.key }
        let keys = sortedKeys.map(\.key)

        for (position, part) in parts.enumerated() {
            guard let part, rules[position].backend >= 0, shadows[position] == nil else { continue }
            var best: Overlap?
            func consider(_ earlier: Int, witness: @autoclosure () -> String?, span: SourceSpan) {
                guard earlier < position, earlier < (best?.earlier ?? .max), rules[earlier].backend != rules[position].backend,
                      let earlierPart = parts[earlier] else { return }
                guard !ConditionLogic.disjoint(part.rest, earlierPart.rest, at: site), let text = witness() else { return }
                best = Overlap(later: position, earlier: earlier, witness: text, span: span)
            }
            for literal in part.set.literals {
                guard case .string(let text) = literal.value else { continue }
                let key = GlobAnalysis.folded(text)
                for entry in literals[key] ?? [] { consider(entry.rule, witness: text, span: literal.span) }
                for prefix in prefixes(of: key) {
                    for entry in globs[prefix] ?? [] where GlobAnalysis.matches(text, entry.pattern, caseInsensitive: true) {
                        consider(entry.rule, witness: text, span: literal.span)
                    }
                }
            }
            for glob in part.set.globs {
                let prefix = GlobAnalysis.fixedPrefix(glob.pattern, caseInsensitive: true)
                func meet(_ other: String) -> String? {
                    if case .witness(let text) = GlobAnalysis.intersection(other, glob.pattern, caseInsensitive: true) {
                        return text
                    }
                    return nil
                }
                for shorter in prefixes(of: prefix) {
                    for entry in globs[shorter] ?? [] { consider(entry.rule, witness: meet(entry.pattern), span: glob.span) }
                }
                // Values and globs whose fixed prefix extends this one.
                var cursor = lowerBound(keys, prefix)
                while cursor < sortedKeys.count, sortedKeys[cursor].key.hasPrefix(prefix) {
                    let entry = sortedKeys[cursor]
                    cursor += 1
                    if entry.isGlob {
                        if entry.key != prefix { consider(entry.rule, witness: meet(entry.text), span: glob.span) }
                    } else if GlobAnalysis.matches(entry.text, glob.pattern, caseInsensitive: true) {
                        consider(entry.rule, witness: entry.text, span: glob.span)
                    }
                }
            }
            if let best { overlaps.append(best) }
        }
    }

    private func lowerBound(_ keys: [String], _ key: String) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Every prefix of `text`, the empty one and `text` included, by Unicode scalars.
func prefixes(of text: String) -> [String] {
    var result = [""]
    var prefix = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        prefix.append(scalar)
        result.append(String(prefix))
    }
    return result
}

/// A condition that is a set of values of one subject: `x == v`, `x in LIST`, `x matches "G*"`,
/// and `or`s of them.
struct ValueSet {
    var subjectKey: String
    var caseInsensitive: Bool
    var literals: [(value: Literal.Value, span: SourceSpan)] = []
    var globs: [(pattern: String, span: SourceSpan)] = []

    init?(_ formula: Formula) {
        var subject: (key: String, caseInsensitive: Bool)?
        var literals: [(value: Literal.Value, span: SourceSpan)] = []
        var globs: [(pattern: String, span: SourceSpan)] = []
        for part in formula.disjuncts {
            guard let atom = part.atom else { return nil }
            if let subject, subject.key != atom.subjectKey || subject.caseInsensitive != atom.caseInsensitive { return nil }
            subject = (atom.subjectKey, atom.caseInsensitive)
            if let values = atom.acceptedValues {
                literals += values.map { ($0, atom.span) }
            } else if let glob = atom.glob {
                globs.append((glob, atom.span))
            } else {
                return nil
            }
        }
        guard let subject else { return nil }
        self.subjectKey = subject.key
        self.caseInsensitive = subject.caseInsensitive
        self.literals = literals
        self.globs = globs
    }

    var isEmpty: Bool { literals.isEmpty && globs.isEmpty }

    /// Sets of one subject and case rule share an index.
    var indexKey: String { subjectKey + (caseInsensitive ? " ~i" : "") }
}

/// The values and globs of earlier rules' value sets, for "which earlier rule covers this".
struct ValueIndex {
    let caseInsensitive: Bool
    private var firstRuleByValue: [String: Int] = [:]
    private var globsByPrefix: [String: [(rule: Int, pattern: String)]] = [:]

    init(caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
    }

    mutating func insert(_ set: ValueSet, rule: Int) {
        for literal in set.literals {
            let key = Atom.valueKey(literal.value, caseInsensitive: caseInsensitive)
            if firstRuleByValue[key] == nil { firstRuleByValue[key] = rule }
        }
        for glob in set.globs {
            globsByPrefix[GlobAnalysis.fixedPrefix(glob.pattern, caseInsensitive: caseInsensitive), default: []]
                .append((rule, glob.pattern))
        }
    }

    /// The first rule before `position` that matches `value`.
    func firstCovering(value: Literal.Value, before position: Int) -> Int? {
        var best = firstRuleByValue[Atom.valueKey(value, caseInsensitive: caseInsensitive)].flatMap { $0 < position ? $0 : nil }
        guard case .string(let text) = value else { return best }
        for prefix in prefixes(of: caseInsensitive ? GlobAnalysis.folded(text) : text) {
            for entry in globsByPrefix[prefix] ?? [] where entry.rule < min(position, best ?? .max) {
                if GlobAnalysis.matches(text, entry.pattern, caseInsensitive: caseInsensitive) {
                    best = entry.rule
                    break
                }
            }
        }
        return best
    }

    /// The first rule before `position` whose glob includes `pattern`.
    func firstCovering(glob pattern: String, before position: Int) -> Int? {
        var best: Int?
        for prefix in prefixes(of: GlobAnalysis.fixedPrefix(pattern, caseInsensitive: caseInsensitive)) {
            for entry in globsByPrefix[prefix] ?? [] where entry.rule < min(position, best ?? .max) {
                if GlobAnalysis.includes(entry.pattern, pattern, caseInsensitive: caseInsensitive) {
                    best = entry.rule
                    break
                }
            }
        }
        return best
    }
}
