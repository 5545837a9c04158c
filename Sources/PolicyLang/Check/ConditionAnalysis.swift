import OCPP
import Runtime

/// A resolved condition in the shape the checks reason about: `and`/`or` flattened, each
/// comparison an ``Atom``, with a canonical key for "structurally identical".
///
/// Two questions are answered, both soundly (a `true` is always right; a `false` may only mean
/// "could not prove it"):
///
/// - ``ConditionLogic/implies(_:_:)``: whenever the first holds, does the second?
/// - ``ConditionLogic/disjoint(_:_:on:catalog:)``: can both hold for one message?
indirect enum Formula {
    case and([Formula])
    case or([Formula])
    case not(Formula)
    case constant(Bool)
    case atom(Atom)

    init(_ condition: ResolvedCondition) {
        switch condition {
        case .and:
            self = .and(Formula.flatten(condition, and: true).map(Formula.init))
        case .or:
            self = .or(Formula.flatten(condition, and: false).map(Formula.init))
        case .not(let inner): self = .not(Formula(inner))
        case .constant(let value): self = .constant(value)
        case .comparison(let comparison): self = .atom(Atom(comparison))
        }
    }

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
        if case .and(let parts) = self { return parts }
        return [self]
    }

    /// The top-level disjuncts.
    var disjuncts: [Formula] {
        if case .or(let parts) = self { return parts }
        return [self]
    }

    /// Whether a `false` appears anywhere: written, or left by a comparison the resolver rejected
    /// (which has its own error, so the checks leave such rules alone).
    var containsFalse: Bool {
        switch self {
        case .and(let parts), .or(let parts): parts.contains { $0.containsFalse }
        case .not(let inner): inner.containsFalse
        case .constant(let value): !value
        case .atom: false
        }
    }

    /// A key equal for structurally identical conditions (`and`/`or` operands in any order; list
    /// members as a set; case folded where the comparison ignores case).
    var key: String {
        switch self {
        case .and(let parts): "and(" + parts.map(\.key).sorted().joined(separator: ",") + ")"
        case .or(let parts): "or(" + parts.map(\.key).sorted().joined(separator: ",") + ")"
        case .not(let inner): "not(" + inner.key + ")"
        case .constant(let value): value ? "true" : "false"
        case .atom(let atom): atom.key
        }
    }
}

/// One comparison: what it reads, how, and with what.
struct Atom {
    var subject: ConditionSubject
    var op: Comparison.Operator
    var operand: ResolvedOperand
    var caseInsensitive: Bool
    var span: SourceSpan

    init(subject: ConditionSubject, op: Comparison.Operator, operand: ResolvedOperand, caseInsensitive: Bool,
         span: SourceSpan) {
        self.subject = subject
        self.op = op
        self.operand = operand
        self.caseInsensitive = caseInsensitive
        self.span = span
    }

    init(_ comparison: ResolvedComparison) {
        self.init(subject: comparison.subject, op: comparison.op, operand: comparison.operand,
                  caseInsensitive: comparison.caseInsensitive, span: comparison.syntax.span)
    }

    var subjectKey: String {
        switch subject {
        case .field(let path): "field:" + path.joined(separator: ".")
        default: "attribute:\(subject)"
        }
    }

    var key: String {
        let operandKey: String
        switch operand {
        case .literal(let value): operandKey = Atom.valueKey(value, caseInsensitive: caseInsensitive)
        case .pattern(let glob): operandKey = "glob:" + (caseInsensitive ? GlobAnalysis.folded(glob) : glob)
        case .set(_, let values):
            operandKey = "set:[" + Set(values.map { Atom.valueKey($0, caseInsensitive: caseInsensitive) }).sorted()
                .joined(separator: "\u{1F}") + "]"
        }
        return subjectKey + " " + op.rawValue + " " + operandKey + (caseInsensitive ? " ~i" : "")
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

    /// The finite set of values the atom accepts (`==` and `in`, and a glob without wildcards).
    var acceptedValues: [Literal.Value]? {
        switch (op, operand) {
        case (.equal, .literal(let value)): [value]
        case (.in, .set(_, let values)): values
        case (.matches, .pattern(let glob)) where GlobAnalysis.isLiteral(glob): [.string(glob)]
        default: nil
        }
    }

    /// The glob, for `matches` with a wildcard.
    var glob: String? {
        if op == .matches, case .pattern(let glob) = operand, !GlobAnalysis.isLiteral(glob) { return glob }
        return nil
    }

    /// The numeric interval the atom accepts, for comparisons with a number.
    var interval: Interval? {
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
        case .chargePoint, .owner: return false
        case .idTag: return PredicateLowering.idTagPath(in: action, version: version, catalog: catalog) == nil
        case .connectorId: return PredicateLowering.connectorIdPath(in: action, catalog: catalog) == nil
        case .field(let path): return catalog.fieldType(at: path, in: action.request) == nil
        }
    }
}

/// Implication and disjointness of conditions; see ``Formula``.
enum ConditionLogic {
    /// How many steps one question may take before it answers "not proven".
    static let budget = 4_096

    /// Whether `inner` holding implies `outer` holds (`nil` is "always").
    static func implies(_ inner: Formula?, _ outer: Formula?) -> Bool {
        guard let outer else { return true }
        guard let inner else { return isTrue(outer) }
        var steps = budget
        return implies(inner, outer, steps: &steps)
    }

    private static func isTrue(_ formula: Formula) -> Bool {
        if case .constant(true) = formula { return true }
        if case .and(let parts) = formula { return parts.allSatisfy(isTrue) }
        return false
    }

    private static func implies(_ inner: Formula, _ outer: Formula, steps: inout Int) -> Bool {
        steps -= 1
        guard steps > 0 else { return false }
        if isTrue(outer) { return true }
        if case .constant(false) = inner { return false }  // a dead rule is another finding
        if case .or(let parts) = inner {
            for part in parts where !implies(part, outer, steps: &steps) { return false }
            return true
        }
        if case .and(let parts) = outer {
            for part in parts where !implies(inner, part, steps: &steps) { return false }
            return true
        }
        if inner.key == outer.key { return true }
        if case .atom(let atom) = inner, let values = atom.acceptedValues, values.count > 1, values.count <= 512,
           case .or = outer {
            // `x in [a, b]` ⊆ `x == a or x matches "b*"`: each value on its own.
            return values.allSatisfy { value in
                let single = Atom(subject: atom.subject, op: .equal, operand: .literal(value),
                                  caseInsensitive: atom.caseInsensitive, span: atom.span)
                return implies(.atom(single), outer, steps: &steps)
            }
        }
        if case .or(let parts) = outer {
            for part in parts where implies(inner, part, steps: &steps) { return true }
        }
        if case .and(let parts) = inner {
            for part in parts where implies(part, outer, steps: &steps) { return true }
        }
        if case .atom(let left) = inner, case .atom(let right) = outer {
            return atomImplies(left, right)
        }
        return false
    }

    /// Whether every value `inner` accepts, `outer` accepts (same subject).
    static func atomImplies(_ inner: Atom, _ outer: Atom) -> Bool {
        guard inner.subjectKey == outer.subjectKey else { return false }
        if inner.key == outer.key { return true }
        // Tests that disagree on case accept different spellings; leave them alone.
        guard inner.caseInsensitive == outer.caseInsensitive else { return false }
        let folding = outer.caseInsensitive
        if let innerValues = inner.acceptedValues {
            return innerValues.allSatisfy { accepts(outer, $0, caseInsensitive: folding) == true }
        }
        if let innerGlob = inner.glob {
            if let outerGlob = outer.glob {
                return GlobAnalysis.includes(outerGlob, innerGlob, caseInsensitive: folding)
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

    /// Whether `atom` accepts the value `value`; `nil` when the atom's shape does not say.
    private static func accepts(_ atom: Atom, _ value: Literal.Value, caseInsensitive: Bool) -> Bool? {
        let key = Atom.valueKey(value, caseInsensitive: caseInsensitive)
        if let values = atom.acceptedValues {
            return values.contains { Atom.valueKey($0, caseInsensitive: caseInsensitive) == key }
        }
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

    /// Whether no message at `site` satisfies both conditions (`nil` is "always").
    static func disjoint(_ first: Formula?, _ second: Formula?, at site: EvaluationSite) -> Bool {
        var steps = budget
        return disjoint(first ?? .constant(true), second ?? .constant(true), site: site, steps: &steps)
    }

    private static func disjoint(_ first: Formula, _ second: Formula, site: EvaluationSite, steps: inout Int) -> Bool {
        steps -= 1
        guard steps > 0 else { return false }
        if isFalse(first, site) || isFalse(second, site) { return true }
        if case .or(let parts) = first {
            for part in parts where !disjoint(part, second, site: site, steps: &steps) { return false }
            return true
        }
        if case .or(let parts) = second {
            for part in parts where !disjoint(first, part, site: site, steps: &steps) { return false }
            return true
        }
        for left in first.conjuncts {
            for right in second.conjuncts {
                steps -= 1
                guard steps > 0 else { return false }
                if contradicts(left, right, site: site) { return true }
            }
        }
        return false
    }

    /// Whether a condition is false for every message at `site` (a top-level `false`, or a test of
    /// a field the action does not have).
    private static func isFalse(_ formula: Formula, _ site: EvaluationSite) -> Bool {
        formula.conjuncts.contains { conjunct in
            switch conjunct {
            case .constant(false): true
            case .atom(let atom): site.isAbsent(atom.subject)
            default: false
            }
        }
    }

    /// Whether two conjuncts cannot both hold.
    private static func contradicts(_ left: Formula, _ right: Formula, site: EvaluationSite) -> Bool {
        switch (left, right) {
        case (.not(let inner), _): return inner.key == right.key
        case (_, .not(let inner)): return inner.key == left.key
        case (.atom(let a), .atom(let b)): return atomsContradict(a, b, site: site)
        default: return false
        }
    }

    static func atomsContradict(_ a: Atom, _ b: Atom, site: EvaluationSite) -> Bool {
        guard a.subjectKey == b.subjectKey, a.caseInsensitive == b.caseInsensitive, site.isSingleValued(a.subject) else {
            return false
        }
        let folding = a.caseInsensitive
        if let left = a.acceptedValues {
            return left.allSatisfy { accepts(b, $0, caseInsensitive: folding) == false }
        }
        if let right = b.acceptedValues {
            return right.allSatisfy { accepts(a, $0, caseInsensitive: folding) == false }
        }
        if let left = a.glob, let right = b.glob {
            return GlobAnalysis.intersection(left, right, caseInsensitive: folding) == .empty
        }
        if let left = a.interval, let right = b.interval { return !left.intersects(right) }
        return false
    }
}
