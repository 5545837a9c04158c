import OCPP

extension Predicate {
    /// Whether the predicate holds. A test on an absent value is false, `!=` included.
    func evaluate(_ input: EvaluationInput) -> Bool {
        switch self {
        case .constant(let value):
            return value
        case .and(let parts):
            for part in parts where !part.evaluate(input) { return false }
            return true
        case .or(let parts):
            for part in parts where part.evaluate(input) { return true }
            return false
        case .not(let inner):
            return !inner.evaluate(input)
        case .test(let accessor, let test):
            switch accessor {
            case .chargePoint: return test.holds(for: .string(input.chargePoint))
            case .owner: return input.owner.map { test.holds(for: .string($0)) } ?? false
            case .contextIdTag: return input.idTag.map { test.holds(for: .string($0)) } ?? false
            case .contextConnectorId: return input.connectorId.map { test.holds(for: .integer($0)) } ?? false
            case .now: return test.holds(number: input.now)
            case .path(let segments): return Self.anyValue(at: segments[...], in: input.payload) { test.holds(for: $0) }
            }
        }
    }

    /// Calls `test` on every value at `path` (walking arrays) until one passes.
    static func anyValue(at path: ArraySlice<String>, in value: JSONValue, _ test: (JSONValue) -> Bool) -> Bool {
        if case .array(let elements) = value {
            for element in elements where anyValue(at: path, in: element, test) { return true }
            return false
        }
        guard let key = path.first else { return test(value) }
        guard case .object(let object) = value, let member = object[key] else { return false }
        return anyValue(at: path.dropFirst(), in: member, test)
    }
}

extension ValueTest {
    /// Whether one JSON value passes the test; a value of another type does not.
    func holds(for value: JSONValue) -> Bool {
        switch self {
        case .equal(let expected, let caseInsensitive): return Self.equals(value, expected, caseInsensitive)
        case .notEqual(let expected, let caseInsensitive):
            if case .null = value { return false }
            return !Self.equals(value, expected, caseInsensitive)
        case .less(let bound): return value.doubleValue.map { $0 < bound } ?? false
        case .lessOrEqual(let bound): return value.doubleValue.map { $0 <= bound } ?? false
        case .greater(let bound): return value.doubleValue.map { $0 > bound } ?? false
        case .greaterOrEqual(let bound): return value.doubleValue.map { $0 >= bound } ?? false
        case .glob(let pattern):
            guard case .string(let text) = value else { return false }
            return pattern.matches(text)
        case .memberOf(_, let exact, let folded, let caseInsensitive):
            guard case .string(let text) = value else { return false }
            return caseInsensitive ? folded.contains(CaseInsensitiveString(text)) : exact.contains(text)
        case .memberOfValues(let values):
            return values.contains { Self.equals(value, $0, false) }
        }
    }

    /// Whether a number passes an ordering test (the clock), without boxing it in JSON.
    func holds(number: Double) -> Bool {
        switch self {
        case .less(let bound): number < bound
        case .lessOrEqual(let bound): number <= bound
        case .greater(let bound): number > bound
        case .greaterOrEqual(let bound): number >= bound
        default: false
        }
    }

    private static func equals(_ value: JSONValue, _ expected: ScalarValue, _ caseInsensitive: Bool) -> Bool {
        switch (value, expected) {
        case (.string(let text), .string(let wanted)):
            return caseInsensitive ? equalIgnoringASCIICase(text, wanted) : text == wanted
        case (.number, .number(let wanted)):
            return value.doubleValue == wanted
        case (.bool(let flag), .boolean(let wanted)):
            return flag == wanted
        default:
            return false
        }
    }
}
