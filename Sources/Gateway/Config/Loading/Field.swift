import Yams

/// The outcome of reading one key: absent, present but wrong (already reported), or a value
/// together with the node it came from (for pointing at it in later cross-checks).
enum Field<Value> {
    case absent
    case invalid
    case present(Value, Node)

    /// The value, if present and valid.
    var value: Value? {
        if case .present(let value, _) = self { value } else { nil }
    }

    /// The node the value came from, if present and valid.
    var node: Node? {
        if case .present(_, let node) = self { node } else { nil }
    }

    /// Whether the key was given (valid or not).
    var isGiven: Bool {
        if case .absent = self { false } else { true }
    }

    /// The value, `fallback` if absent, `nil` if invalid.
    func value(or fallback: Value) -> Value? {
        switch self {
        case .absent: fallback
        case .invalid: nil
        case .present(let value, _): value
        }
    }

    /// For optional settings: `.some(nil)` if absent, `nil` if invalid, `.some(value)` if present.
    var optionalValue: Value?? {
        switch self {
        case .absent: .some(nil)
        case .invalid: nil
        case .present(let value, _): .some(value)
        }
    }

    /// Transforms a present value; a `nil` result means the transform reported a problem.
    func flatMap<T>(_ transform: (Value, Node) -> T?) -> Field<T> {
        switch self {
        case .absent: .absent
        case .invalid: .invalid
        case .present(let value, let node): transform(value, node).map { .present($0, node) } ?? .invalid
        }
    }
}
