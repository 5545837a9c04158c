import OCPP
import Runtime

/// A resolved condition in the shape the checks reason about: `and`/`or` flattened, each
/// comparison an ``Atom``, with a canonical key for "structurally identical".
///
/// Two questions are answered, both soundly (a `true` is always right; a `false` may only mean
/// "could not prove it"):
///
/// - ``ConditionLogic/implies(_:_:steps:)``: whenever the first holds, does the second?
/// - ``ConditionLogic/disjoint(_:_:at:)``: can both hold for one message?
///
/// A class, so that each node's key is computed once and shared by every comparison of rules.
final class Formula {
    indirect enum Node {
        case and([Formula])
        case or([Formula])
        case not(Formula)
        case constant(Bool)
        case atom(Atom)
    }

    let node: Node
    /// Equal for structurally identical conditions (`and`/`or` operands in any order; list members
    /// as a set; case folded where the comparison ignores case).
    let key: String
    /// Whether a `false` appears anywhere: written, or left by a comparison the resolver rejected
    /// (which has its own error, so the checks leave such rules alone).
    let containsFalse: Bool

    init(_ node: Node) {
        self.node = node
        switch node {
        case .and(let parts):
            key = "and(" + parts.map(\.key).sorted().joined(separator: ",") + ")"
            containsFalse = parts.contains { $0.containsFalse }
        case .or(let parts):
            key = "or(" + parts.map(\.key).sorted().joined(separator: ",") + ")"
            containsFalse = parts.contains { $0.containsFalse }
        case .not(let inner):
            key = "not(" + inner.key + ")"
            containsFalse = inner.containsFalse
        case .constant(let value):
            key = value ? "true" : "false"
            containsFalse = !value
        case .atom(let atom):
            key = atom.key
            containsFalse = false
        }
    }

    convenience init(_ condition: ResolvedCondition) {
        switch condition {
        case .and:
            self.init(.and(Formula.flatten(condition, and: true).map(Formula.init)))
        case .or:
            self.init(.or(Formula.flatten(condition, and: false).map(Formula.init)))
        case .not(let inner): self.init(.not(Formula(inner)))
        case .constant(let value): self.init(Node.constant(value))
        case .comparison(let comparison): self.init(.atom(Atom(comparison)))
        }
    }

    static func atom(_ atom: Atom) -> Formula { Formula(.atom(atom)) }

    private static func flatten(_ condition: ResolvedCondition, and: Bool) -> [ResolvedCondition] {
        switch (condition, and) {
        case (.and(let left, let right), true), (.or(let left, let right), false):
            return flatten(left, and: and) + flatten(right, and: and)
        default:
            return [condition]
        }
    }

    /// The top-level conjuncts.
    var conjuncts: [Formula] {
        if case .and(let parts) = node { return parts }
        return [self]
    }

    /// The top-level disjuncts.
    var disjuncts: [Formula] {
        if case .or(let parts) = node { return parts }
        return [self]
    }

    /// The comparison, if this is one.
    var atom: Atom? {
        if case .atom(let atom) = node { return atom }
        return nil
    }
}

/// One comparison: what it reads, how, and with what; the derived facts are computed once.
struct Atom {
    let subject: ConditionSubject
    let op: Comparison.Operator
    let operand: ResolvedOperand
    let caseInsensitive: Bool
    let span: SourceSpan
    /// The subject, for "same subject" tests.
    let subjectKey: String
    let key: String
    /// The finite set of values the atom accepts (`==` and `in`, and a glob without wildcards).
    let acceptedValues: [Literal.Value]?
    /// Their keys (see ``valueKey(_:caseInsensitive:)``), for membership tests on long lists.
    let acceptedKeys: Set<String>?
    /// The glob, for `matches` with a wildcard.
    let glob: String?
    /// The numeric interval the atom accepts, for comparisons with a number.
    let interval: Interval?

    init(subject: ConditionSubject, op: Comparison.Operator, operand: ResolvedOperand, caseInsensitive: Bool,
         span: SourceSpan) {
        self.subject = subject
        self.op = op
        self.operand = operand
        self.caseInsensitive = caseInsensitive
        self.span = span
        switch subject {
        case .field(let path): subjectKey = "field:" + path.joined(separator: ".")
        default: subjectKey = "attribute:\(subject)"
        }
        switch (op, operand) {
        case (.equal, .literal(let value)): acceptedValues = [value]
        case (.in, .set(_, let values)): acceptedValues = values
        case (.matches, .pattern(let glob)) where GlobAnalysis.isLiteral(glob): acceptedValues = [.string(glob)]
        default: acceptedValues = nil
        }
        acceptedKeys = acceptedValues.map { Set($0.map { Atom.valueKey($0, caseInsensitive: caseInsensitive) }) }
        if op == .matches, case .pattern(let pattern) = operand, !GlobAnalysis.isLiteral(pattern) {
            glob = pattern
        } else {
            glob = nil
        }
        interval = Atom.interval(op, operand, acceptedValues)
        let operandKey: String
        switch operand {
        case .literal(let value): operandKey = Atom.valueKey(value, caseInsensitive: caseInsensitive)
        case .pattern(let glob): operandKey = "glob:" + (caseInsensitive ? GlobAnalysis.folded(glob) : glob)
        case .set: operandKey = "set:[" + (acceptedKeys ?? []).sorted().joined(separator: "\u{1F}") + "]"
        }
        key = subjectKey + " " + op.rawValue + " " + operandKey + (caseInsensitive ? " ~i" : "")
    }

    init(_ comparison: ResolvedComparison) {
        self.init(subject: comparison.subject, op: comparison.op, operand: comparison.operand,
                  caseInsensitive: comparison.caseInsensitive, span: comparison.syntax.span)
    }

    /// A key equal for equal values: numbers by value, strings folded when case does not matter.
    static func valueKey(_ value: Literal.Value, caseInsensitive: Bool) -> String {
        switch value {
        case .string(let text): "s:" + (caseInsensitive ? GlobAnalysis.folded(text) : text)
        case .integer(let number): "n:\(Double(number))"
        case .decimal(let number, _): "n:\(number)"
        case .boolean(let flag): "b:\(flag)"
        }
    }

    private static func interval(_ op: Comparison.Operator, _ operand: ResolvedOperand,
                                 _ acceptedValues: [Literal.Value]?) -> Interval? {
        guard case .literal(let value) = operand, let number = Atom.number(value) else {
            if let values = acceptedValues, values.count == 1, let number = Atom.number(values[0]) {
                return Interval(low: number, lowIncluded: true, high: number, highIncluded: true)
            }
            return nil
        }
        switch op {
        case .equal: return Interval(low: number, lowIncluded: true, high: number, highIncluded: true)
        case .less: return Interval(low: -.infinity, lowIncluded: false, high: number, highIncluded: false)
        case .lessEqual: return Interval(low: -.infinity, lowIncluded: false, high: number, highIncluded: true)
        case .greater: return Interval(low: number, lowIncluded: false, high: .infinity, highIncluded: false)
        case .greaterEqual: return Interval(low: number, lowIncluded: true, high: .infinity, highIncluded: false)
        default: return nil
        }
    }

    static func number(_ value: Literal.Value) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .decimal(let number, _): number
        default: nil
        }
    }
}

/// A numeric range.
struct Interval {
    var low: Double
    var lowIncluded: Bool
    var high: Double
    var highIncluded: Bool

    func contains(_ value: Double) -> Bool {
        (value > low || (lowIncluded && value == low)) && (value < high || (highIncluded && value == high))
    }

    func intersects(_ other: Interval) -> Bool {
        let (low, lowIncluded) = self.low > other.low ? (self.low, self.lowIncluded)
            : self.low < other.low ? (other.low, other.lowIncluded) : (self.low, self.lowIncluded && other.lowIncluded)
        let (high, highIncluded) = self.high < other.high ? (self.high, self.highIncluded)
            : self.high > other.high ? (other.high, other.highIncluded) : (self.high, self.highIncluded && other.highIncluded)
        return low < high || (low == high && lowIncluded && highIncluded)
    }

    func isInside(_ other: Interval) -> Bool {
        let lowOK = low > other.low || (low == other.low && (other.lowIncluded || !lowIncluded))
        let highOK = high < other.high || (high == other.high && (other.highIncluded || !highIncluded))
        return lowOK && highOK
    }
}

/// Where conditions are evaluated: on one action's messages, or on the user (owner rules).
struct EvaluationSite {
    var action: ActionSpec?
    var catalog: OCPPCatalog
    var version: OCPPVersion

    /// Whether a subject has at most one value per message here (a payload path walks no array).
    /// Two different values of a multi-valued subject can both be present in one message.
    func isSingleValued(_ subject: ConditionSubject) -> Bool {
        guard case .field(let path) = subject else { return true }
        guard let action else { return false }
        var schema = action.request
        for name in path {
            guard let field = schema.field(named: name) else { return false }
            if case .array = field.type { return false }
            if case .object(let inner) = field.type { schema = inner }
        }
        return true
    }

    /// Whether the subject is absent from every message of the action, so every test on it fails.
    func isAbsent(_ subject: ConditionSubject) -> Bool {
        guard let action else { return false }
        switch subject {
        case .chargePoint, .owner, .now: return false
        case .idTag: return PredicateLowering.idTagPath(in: action, version: version, catalog: catalog) == nil
        case .connectorId: return PredicateLowering.connectorIdPath(in: action, catalog: catalog) == nil
        case .field(let path): return catalog.fieldType(at: path, in: action.request) == nil
        }
    }
}

/// Implication and disjointness of conditions; see ``Formula``.
enum ConditionLogic {
    /// How many steps one question may take before it answers "not proven".
    static let stepsPerQuestion = 4_096

    /// Whether `inner` holding implies `outer` holds (`nil` is "always").
    static func implies(_ inner: Formula?, _ outer: Formula?) -> Bool {
        var steps = stepsPerQuestion
        return implies(inner, outer, steps: &steps)
    }

    /// Like ``implies(_:_:)``, drawing on a budget shared by many questions; at most
    /// ``stepsPerQuestion`` go to this one. An exhausted budget answers `false`.
    static func implies(_ inner: Formula?, _ outer: Formula?, steps: inout Int) -> Bool {
        guard let outer else { return true }
        guard let inner else { return isTrue(outer) }
        var local = min(steps, stepsPerQuestion)
        let start = local
        let result = implies(inner, outer, steps: &local)
        steps -= start - local
        return result
    }

    private static func isTrue(_ formula: Formula) -> Bool {
        switch formula.node {
        case .constant(let value): value
        case .and(let parts): parts.allSatisfy(isTrue)
        default: false
        }
    }

    private static func implies(_ inner: Formula, _ outer: Formula, steps: inout Int) -> Bool {
        steps -= 1
        guard steps > 0 else { return false }
        if isTrue(outer) { return true }
        if case .constant(false) = inner.node { return false }  // a dead rule is another finding
        if case .or(let parts) = inner.node {
            for part in parts where !implies(part, outer, steps: &steps) { return false }
            return true
        }
        if case .and(let parts) = outer.node {
            for part in parts where !implies(inner, part, steps: &steps) { return false }
            return true
        }
        if inner.key == outer.key { return true }
        if let atom = inner.atom, let values = atom.acceptedValues, values.count > 1, case .or = outer.node {
            // `x in [a, b]` ⊆ `x == a or x matches "b*"`: each value on its own.
            guard values.count < steps else { return false }
            return values.allSatisfy { value in
                let single = Atom(subject: atom.subject, op: .equal, operand: .literal(value),
                                  caseInsensitive: atom.caseInsensitive, span: atom.span)
                return implies(.atom(single), outer, steps: &steps)
            }
        }
        if case .or(let parts) = outer.node {
            for part in parts where implies(inner, part, steps: &steps) { return true }
        }
        if case .and(let parts) = inner.node {
            for part in parts where implies(part, outer, steps: &steps) { return true }
        }
        if let left = inner.atom, let right = outer.atom {
            return atomImplies(left, right, steps: &steps)
        }
        return false
    }

    /// Whether every value `inner` accepts, `outer` accepts (same subject).
    static func atomImplies(_ inner: Atom, _ outer: Atom, steps: inout Int) -> Bool {
        guard inner.subjectKey == outer.subjectKey else { return false }
        if inner.key == outer.key { return true }
        // Tests that disagree on case accept different spellings; leave them alone.
        guard inner.caseInsensitive == outer.caseInsensitive else { return false }
        let folding = outer.caseInsensitive
        if let innerValues = inner.acceptedValues {
            steps -= innerValues.count / 16
            return innerValues.allSatisfy { accepts(outer, $0, caseInsensitive: folding) == true }
        }
        if let innerGlob = inner.glob {
            if let outerGlob = outer.glob {
                steps -= globCost(innerGlob, outerGlob)
                return steps > 0 && GlobAnalysis.includes(outerGlob, innerGlob, caseInsensitive: folding)
            }
            if outer.op == .notEqual, case .literal(.string(let excluded)) = outer.operand {
                return !GlobAnalysis.matches(excluded, innerGlob, caseInsensitive: folding)
            }
            return false
        }
        if let innerRange = inner.interval, let outerRange = outer.interval {
            return innerRange.isInside(outerRange)
        }
        return false
    }

    /// Steps charged for comparing two globs: their automata's product grows with both lengths.
    private static func globCost(_ first: String, _ second: String) -> Int {
        1 + first.unicodeScalars.count * second.unicodeScalars.count / 64
    }

    /// Whether `atom` accepts the value `value`; `nil` when the atom's shape does not say.
    private static func accepts(_ atom: Atom, _ value: Literal.Value, caseInsensitive: Bool) -> Bool? {
        let key = Atom.valueKey(value, caseInsensitive: caseInsensitive)
        if let keys = atom.acceptedKeys { return keys.contains(key) }
        if let glob = atom.glob {
            guard case .string(let text) = value else { return false }
            return GlobAnalysis.matches(text, glob, caseInsensitive: caseInsensitive)
        }
        if atom.op == .notEqual, case .literal(let excluded) = atom.operand {
            return Atom.valueKey(excluded, caseInsensitive: caseInsensitive) != key
        }
        if let range = atom.interval, let number = Atom.number(value) { return range.contains(number) }
        return nil
    }

    // MARK: Disjointness

    /// Whether no message at `site` satisfies both conditions (`nil` is "always"). A question that
    /// takes more than ``stepsPerQuestion`` steps answers `false`.
    static func disjoint(_ first: Formula?, _ second: Formula?, at site: EvaluationSite) -> Bool {
        var steps = stepsPerQuestion
        return disjoint(first ?? Formula(Formula.Node.constant(true)), second ?? Formula(Formula.Node.constant(true)), site: site, steps: &steps)
    }

    private static func disjoint(_ first: Formula, _ second: Formula, site: EvaluationSite, steps: inout Int) -> Bool {
        steps -= 1
        guard steps > 0 else { return false }
        if isFalse(first, site) || isFalse(second, site) { return true }
        if case .or(let parts) = first.node {
            for part in parts where !disjoint(part, second, site: site, steps: &steps) { return false }
            return true
        }
        if case .or(let parts) = second.node {
            for part in parts where !disjoint(first, part, site: site, steps: &steps) { return false }
            return true
        }
        for left in first.conjuncts {
            for right in second.conjuncts {
                steps -= 1
                guard steps > 0 else { return false }
                if contradicts(left, right, site: site, steps: &steps) { return true }
            }
        }
        return false
    }

    /// Whether a condition is false for every message at `site` (a top-level `false`, or a test of
    /// a field the action does not have).
    private static func isFalse(_ formula: Formula, _ site: EvaluationSite) -> Bool {
        formula.conjuncts.contains { conjunct in
            switch conjunct.node {
            case .constant(false): true
            case .atom(let atom): site.isAbsent(atom.subject)
            default: false
            }
        }
    }

    /// Whether two conjuncts cannot both hold.
    private static func contradicts(_ left: Formula, _ right: Formula, site: EvaluationSite, steps: inout Int) -> Bool {
        switch (left.node, right.node) {
        case (.not(let inner), _): return inner.key == right.key
        case (_, .not(let inner)): return inner.key == left.key
        case (.atom(let a), .atom(let b)): return atomsContradict(a, b, site: site, steps: &steps)
        default: return false
        }
    }

    static func atomsContradict(_ a: Atom, _ b: Atom, site: EvaluationSite, steps: inout Int) -> Bool {
        guard a.subjectKey == b.subjectKey, a.caseInsensitive == b.caseInsensitive, site.isSingleValued(a.subject) else {
            return false
        }
        let folding = a.caseInsensitive
        if let left = a.acceptedValues {
            steps -= left.count / 16
            return steps > 0 && left.allSatisfy { accepts(b, $0, caseInsensitive: folding) == false }
        }
        if let right = b.acceptedValues {
            steps -= right.count / 16
            return steps > 0 && right.allSatisfy { accepts(a, $0, caseInsensitive: folding) == false }
        }
        if let left = a.glob, let right = b.glob {
            steps -= globCost(left, right)
            return steps > 0 && GlobAnalysis.intersection(left, right, caseInsensitive: folding) == .empty
        }
        if let left = a.interval, let right = b.interval { return !left.intersects(right) }
        return false
    }
}
