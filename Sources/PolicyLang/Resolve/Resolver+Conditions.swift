import OCPP

extension Resolver {
    /// Where a condition is evaluated: on the user alone (owner rules), or on the named actions.
    enum ConditionScope {
        case owner
        case actions([ActionReference])
    }

    /// The types a subject can have, per action index (attributes use key -1).
    private typealias SubjectTypes = [Int: FieldType]

    mutating func resolveCondition(_ expression: Expression, scope: ConditionScope) -> ResolvedCondition {
        switch expression {
        case .and(let left, let right):
            return .and(resolveCondition(left, scope: scope), resolveCondition(right, scope: scope))
        case .or(let left, let right):
            return .or(resolveCondition(left, scope: scope), resolveCondition(right, scope: scope))
        case .not(let inner, _):
            return .not(resolveCondition(inner, scope: scope))
        case .group(let inner, _):
            return resolveCondition(inner, scope: scope)
        case .constant(let value, _):
            return .constant(value)
        case .comparison(let comparison):
            // A comparison that cannot be bound has been reported; it never matches.
            return resolveComparison(comparison, scope: scope).map(ResolvedCondition.comparison) ?? .constant(false)
        }
    }

    private mutating func resolveComparison(_ comparison: Comparison, scope: ConditionScope) -> ResolvedComparison? {
        guard let (subject, types) = resolveSubject(comparison.path, scope: scope) else {
            // Still mark the list used so one mistake does not cascade into an unused-list warning.
            if case .list(let name) = comparison.operand { usedLists.insert(name.name) }
            return nil
        }
        guard let operand = resolveOperand(comparison) else { return nil }
        var valid = true
        for type in Set(types.values.map(TypeKey.init)) {
            valid = typeCheck(comparison, subject: subject, type: type.type, operand: operand) && valid
            if !valid { break }
        }
        guard valid else { return nil }
        if subject == .owner { checkOwnerOperand(comparison, operand: operand) }
        let caseInsensitive = types.values.contains { type in
            if case .string(_, true) = type.elementType { return true }
            return false
        }
        return ResolvedComparison(subject: subject, op: comparison.op, operand: operand, caseInsensitive: caseInsensitive,
                                  fieldTypes: types.filter { $0.key >= 0 }, syntax: comparison)
    }

    // MARK: Subjects

    private mutating func resolveSubject(_ path: FieldPath, scope: ConditionScope) -> (ConditionSubject, SubjectTypes)? {
        let name = path.segments.count == 1 ? path.segments[0] : nil
        switch (name, scope) {
        case ("chargePoint", _):
            return (.chargePoint, [-1: .string(maxLength: nil, caseInsensitive: false)])
        case ("now", _):
            return (.now, [-1: .dateTime])
        case ("owner", .owner):
            report(.unknownField, "an owner rule cannot ask for `owner`: it decides it", at: path.span,
                   help: "owner rules may use `idTag`, `chargePoint` and `connectorId`")
            return nil
        case ("owner", .actions):
            return (.owner, [-1: .string(maxLength: nil, caseInsensitive: false)])
        case ("idTag", .owner):
            return (.idTag, [-1: .string(maxLength: nil, caseInsensitive: true)])
        case ("connectorId", .owner):
            return (.connectorId, [-1: .integer])
        case (_, .owner):
            report(.unknownField, "owner rules see only `idTag`, `chargePoint`, `connectorId` and `now`, not `\(path)`",
                   at: path.span, help: suggestion(for: path.description, among: ["idTag", "chargePoint", "connectorId", "now"]))
            return nil
        case ("idTag", .actions(let actions)):
            return resolveAttribute(.idTag, path: path, in: actions)
        case ("connectorId", .actions(let actions)):
            return resolveAttribute(.connectorId, path: path, in: actions)
        case (_, .actions(let actions)):
            var types: SubjectTypes = [:]
            for action in actions {
                if let type = catalog.fieldType(at: path.segments, in: action.spec.request) { types[action.index] = type }
            }
            guard !types.isEmpty else {
                if !actions.isEmpty { reportUnknownField(path, in: actions) }
                return nil
            }
            return (.field(path.segments), types)
        }
    }

    private mutating func resolveAttribute(_ subject: ConditionSubject, path: FieldPath,
                                           in actions: [ActionReference]) -> (ConditionSubject, SubjectTypes)? {
        var types: SubjectTypes = [:]
        for action in actions {
            let fieldPath = subject == .idTag ? idTagPath(in: action.spec) : connectorIdPath(in: action.spec)
            if let fieldPath, let type = catalog.fieldType(at: fieldPath, in: action.spec.request) {
                types[action.index] = type
            }
        }
        guard !types.isEmpty else {
            if !actions.isEmpty { reportUnknownField(path, in: actions) }
            return nil
        }
        return (subject, types)
    }

    func idTagPath(in spec: ActionSpec) -> [String]? {
        PredicateLowering.idTagPath(in: spec, version: version, catalog: catalog)
    }

    func connectorIdPath(in spec: ActionSpec) -> [String]? {
        PredicateLowering.connectorIdPath(in: spec, catalog: catalog)
    }

    private mutating func reportUnknownField(_ path: FieldPath, in actions: [ActionReference]) {
        let names = actions.map { "`\($0.name)`" }.joined(separator: ", ")
        let candidates = actions.flatMap { allFieldPaths(in: $0.spec.request) } + ["chargePoint", "idTag", "connectorId", "owner", "now"]
        report(.unknownField, "field `\(path)` is not in \(names)", at: path.span,
               help: suggestion(for: path.description, among: candidates))
    }

    // MARK: Operands

    private mutating func resolveOperand(_ comparison: Comparison) -> ResolvedOperand? {
        switch (comparison.op, comparison.operand) {
        case (.matches, .literal(let literal)):
            guard case .string(let pattern) = literal.value, !pattern.isEmpty else {
                report(.invalidPattern, "`matches` needs a non-empty glob pattern", at: literal.span,
                       help: "write a pattern such as `\"FLEET-*\"`: `*` matches any run of characters, `?` one")
                return nil
            }
            return .pattern(pattern)
        case (.in, .list(let name)):
            usedLists.insert(name.name)
            guard let list = lists[name.name] else {
                report(.unknownList, "unknown list `\(name.name)`", at: name.span,
                       help: suggestion(for: name.name, among: lists.keys) ?? "declare it with `list \(name.name) = [...]`")
                return nil
            }
            return .set(name: list.name, values: list.entries.map(Literal.Value.string))
        case (.in, .inlineList(let literals, _)):
            return .set(name: nil, values: literals.map(\.value))
        case (_, .literal(let literal)):
            return .literal(literal.value)
        default:
            report(.syntax, "`\(comparison.op.rawValue)` needs a single value", at: comparison.operand.span)
            return nil
        }
    }

    private mutating func checkOwnerOperand(_ comparison: Comparison, operand: ResolvedOperand) {
        let names: [String]
        switch operand {
        case .literal(.string(let name)): names = [name]
        case .set(_, let values): names = values.compactMap { if case .string(let s) = $0 { s } else { nil } }
        default: return
        }
        for name in names where !backends.contains(name) && backendSource != .usage {
            report(.unknownBackend, "`owner` is compared with `\(name)`, which is not a backend", at: comparison.operand.span,
                   help: suggestion(for: name, among: backends))
        }
    }
}

/// FieldType is not Hashable (it holds schemas); this keys the distinct scalar kinds.
private struct TypeKey: Hashable {
    let type: FieldType
    init(_ type: FieldType) { self.type = type }
    static func == (lhs: TypeKey, rhs: TypeKey) -> Bool { lhs.type == rhs.type }
    func hash(into hasher: inout Hasher) { hasher.combine(type.kindName) }
}

extension ResolvedPolicy.BackendSource {
    static func != (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.usage, .usage), (.config, .config), (.declaration, .declaration): false
        default: true
        }
    }
}
