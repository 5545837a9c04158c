/// A condition after `when`.
public indirect enum Expression: Sendable {
    case and(Expression, Expression)
    case or(Expression, Expression)
    case not(Expression, span: SourceSpan)
    case comparison(Comparison)
    /// `true` or `false`.
    case constant(Bool, span: SourceSpan)
    /// A parenthesised condition, kept so spans cover the parentheses.
    case group(Expression, span: SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .and(let left, let right), .or(let left, let right): left.span.union(right.span)
        case .not(_, let span), .constant(_, let span), .group(_, let span): span
        case .comparison(let comparison): comparison.span
        }
    }

    /// Every comparison in the condition, left to right.
    public var comparisons: [Comparison] {
        switch self {
        case .and(let left, let right), .or(let left, let right): left.comparisons + right.comparisons
        case .not(let inner, _), .group(let inner, _): inner.comparisons
        case .comparison(let comparison): [comparison]
        case .constant: []
        }
    }
}

/// A dotted field path (`idTag`, `meterValue.sampledValue.measurand`) or an attribute
/// (`chargePoint`, `connectorId`, `owner`).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public var segments: [String]
    public var span: SourceSpan

    public init(segments: [String], span: SourceSpan) {
        self.segments = segments
        self.span = span
    }

    public var description: String { segments.joined(separator: ".") }
}

/// `PATH OP VALUE`, `PATH matches "glob"` or `PATH in LIST`.
public struct Comparison: Sendable {
    public enum Operator: String, Sendable, Hashable {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessEqual = "<="
        case greater = ">"
        case greaterEqual = ">="
        case matches
        case `in`
    }

    public enum Operand: Sendable {
        case literal(Literal)
        /// `in NAME`: a declared list.
        case list(Identifier)
        /// `in ["a", "b"]`.
        case inlineList([Literal], span: SourceSpan)

        public var span: SourceSpan {
            switch self {
            case .literal(let literal): literal.span
            case .list(let identifier): identifier.span
            case .inlineList(_, let span): span
            }
        }
    }

    public var path: FieldPath
    public var op: Operator
    public var operatorSpan: SourceSpan
    public var operand: Operand

    public init(path: FieldPath, op: Operator, operatorSpan: SourceSpan, operand: Operand) {
        self.path = path
        self.op = op
        self.operatorSpan = operatorSpan
        self.operand = operand
    }

    public var span: SourceSpan { path.span.union(operand.span) }
}

/// A literal value in a condition.
public struct Literal: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case string(String)
        case integer(Int)
        /// The value and the text as written.
        case decimal(Double, text: String)
        case boolean(Bool)
    }

    public var value: Value
    public var span: SourceSpan

    public init(_ value: Value, span: SourceSpan) {
        self.value = value
        self.span = span
    }

    /// A lowercase name of the literal's type for messages.
    public var typeName: String {
        switch value {
        case .string: "string"
        case .integer: "integer"
        case .decimal: "decimal"
        case .boolean: "boolean"
        }
    }

    /// The literal as written in a policy.
    public var sourceText: String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .integer(let number): String(number)
        case .decimal(_, let text): text
        case .boolean(let flag): flag ? "true" : "false"
        }
    }
}
