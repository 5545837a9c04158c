import OCPP
import Runtime

/// Lowers resolved conditions into runtime predicates for one action (or none, for owner rules).
struct PredicateLowering {
    let policy: ResolvedPolicy
    /// The action the predicate is compiled for: attributes such as `idTag` become its paths.
    let action: ActionSpec?

    func lower(_ condition: ResolvedCondition) -> Predicate {
        switch condition {
        case .and(let left, let right): .and(flatten(lower(left), lower(right), and: true))
        case .or(let left, let right): .or(flatten(lower(left), lower(right), and: false))
        case .not(let inner): .not(lower(inner))
        case .constant(let value): .constant(value)
        case .comparison(let comparison): lower(comparison)
        }
    }

    private func flatten(_ left: Predicate, _ right: Predicate, and: Bool) -> [Predicate] {
        func parts(_ predicate: Predicate) -> [Predicate] {
            switch (predicate, and) {
            case (.and(let inner), true), (.or(let inner), false): inner
            default: [predicate]
            }
        }
        return parts(left) + parts(right)
    }

    private func lower(_ comparison: ResolvedComparison) -> Predicate {
        let accessor: Accessor
        switch comparison.subject {
        case .chargePoint: accessor = .chargePoint
        case .owner: accessor = .owner
        case .now:
            guard case .literal(.string(let text)) = comparison.operand, let seconds = RFC3339Time.parse(text) else {
                return .constant(false)
            }
            let test: ValueTest = switch comparison.op {
            case .less: .less(seconds)
            case .lessEqual: .lessOrEqual(seconds)
            case .greater: .greater(seconds)
            default: .greaterOrEqual(seconds)
            }
            return .test(.now, test)
        case .idTag:
            guard let action else { accessor = .contextIdTag; break }
            // An action without an idTag never matches an idTag test.
            guard let path = Self.idTagPath(in: action, version: policy.version, catalog: policy.catalog) else { return .constant(false) }
            accessor = .path(path)
        case .connectorId:
            guard let action else { accessor = .contextConnectorId; break }
            guard let path = Self.connectorIdPath(in: action, catalog: policy.catalog) else { return .constant(false) }
            accessor = .path(path)
        case .field(let path):
            if let action, policy.catalog.fieldType(at: path, in: action.request) == nil { return .constant(false) }
            accessor = .path(path)
        }
        return .test(accessor, test(comparison))
    }

    private func test(_ comparison: ResolvedComparison) -> ValueTest {
        let folded = comparison.caseInsensitive
        switch (comparison.op, comparison.operand) {
        case (.matches, .pattern(let glob)):
            return .glob(GlobPattern(glob, caseInsensitive: folded))
        case (.in, .set(let name, let values)):
            let strings = values.compactMap { if case .string(let text) = $0 { text } else { nil } }
            if strings.count == values.count {
                return .memberOf(name: name, exact: Set(strings), folded: Set(strings.map(CaseInsensitiveString.init)),
                                 caseInsensitive: folded)
            }
            return .memberOfValues(values.map(Self.scalar))
        case (.equal, .literal(let value)): return .equal(Self.scalar(value), caseInsensitive: folded)
        case (.notEqual, .literal(let value)): return .notEqual(Self.scalar(value), caseInsensitive: folded)
        case (.less, .literal(let value)): return .less(Self.number(value))
        case (.lessEqual, .literal(let value)): return .lessOrEqual(Self.number(value))
        case (.greater, .literal(let value)): return .greater(Self.number(value))
        case (.greaterEqual, .literal(let value)): return .greaterOrEqual(Self.number(value))
        default:
            // The resolver only builds the shapes above.
            return .memberOfValues([])
        }
    }

    static func scalar(_ value: Literal.Value) -> ScalarValue {
        switch value {
        case .string(let text): .string(text)
        case .integer(let number): .number(Double(number))
        case .decimal(let number, _): .number(number)
        case .boolean(let flag): .boolean(flag)
        }
    }

    static func number(_ value: Literal.Value) -> Double {
        if case .number(let number) = scalar(value) { return number }
        return .nan
    }

    /// Where an action's request carries the user's token.
    static func idTagPath(in spec: ActionSpec, version: OCPPVersion, catalog: OCPPCatalog) -> [String]? {
        let candidates: [[String]] = version == .v16
            ? [["idTag"]] : [["idToken", "idToken"], ["transactionInfo", "idToken", "idToken"]]
        return candidates.first { catalog.fieldType(at: $0, in: spec.request) != nil }
    }

    /// Where an action's request carries the connector.
    static func connectorIdPath(in spec: ActionSpec, catalog: OCPPCatalog) -> [String]? {
        [["connectorId"], ["evse", "connectorId"]].first { catalog.fieldType(at: $0, in: spec.request) != nil }
    }
}
