extension Parser {
    /// How deep parentheses and `not` may nest. Real conditions use a handful of levels; the limit
    /// keeps every recursive stage after the parser within its stack on any input.
    static let maximumNesting = 100

    /// `or` binds loosest, then `and`, then `not`.
    ///
    /// Chains of `or` (and of `and`) are built as balanced trees, not left-deep ones, so a condition
    /// of thousands of terms is only a few levels deep for the stages that walk it recursively.
    mutating func parseCondition() throws(Failure) -> Expression {
        var terms = [try parseConjunction()]
        while current.isWord("or") {
            advance()
            terms.append(try parseConjunction())
        }
        return Self.balanced(terms[...], Expression.or)
    }

    private mutating func parseConjunction() throws(Failure) -> Expression {
        var terms = [try parseUnary()]
        while current.isWord("and") {
            advance()
            terms.append(try parseUnary())
        }
        return Self.balanced(terms[...], Expression.and)
    }

    /// `a op b op c ...` as a balanced tree; the operators are associative.
    private static func balanced(_ terms: ArraySlice<Expression>,
                                 _ combine: (Expression, Expression) -> Expression) -> Expression {
        if terms.count == 1 { return terms[terms.startIndex] }
        let middle = terms.startIndex + terms.count / 2
        return combine(balanced(terms[..<middle], combine), balanced(terms[middle...], combine))
    }

    /// Enters one level of `not` or parentheses, or reports that the condition is nested too deeply.
    private mutating func enterNesting() throws(Failure) {
        nesting += 1
        if nesting > Self.maximumNesting {
            throw error("the condition is nested more than \(Self.maximumNesting) levels deep",
                        help: "simplify it: `and`/`or` chains need no parentheses, and `not not` cancels out")
        }
    }

    private mutating func parseUnary() throws(Failure) -> Expression {
        if current.isWord("not") {
            let start = advance().span
            try enterNesting()
            defer { nesting -= 1 }
            let inner = try parseUnary()
            return .not(inner, span: start.union(inner.span))
        }
        return try parseAtom()
    }

    private mutating func parseAtom() throws(Failure) -> Expression {
        if current.kind == .leftParen {
            let start = advance().span
            try enterNesting()
            defer { nesting -= 1 }
            let inner = try parseCondition()
            try expect(.rightParen, "to close the parenthesis")
            return .group(inner, span: start.union(previous.span))
        }
        if (current.isWord("true") || current.isWord("false")) && !isComparisonOperator(peek()) {
            let token = advance()
            return .constant(token.isWord("true"), span: token.span)
        }
        guard current.word != nil else {
            throw error("expected a condition such as `idTag matches \"FLEET-*\"`, found \(found)")
        }
        return try parseComparison()
    }

    private func isComparisonOperator(_ token: Token) -> Bool {
        switch token.kind {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
        case .word(let word): word == "matches" || word == "in"
        default: false
        }
    }

    /// `a.b.c`.
    mutating func parseFieldPath() throws(Failure) -> FieldPath {
        let first = try expectName("a field name")
        var segments = [first.name]
        var span = first.span
        while current.kind == .dot {
            advance()
            let next = try expectName("a field name after `.`")
            segments.append(next.name)
            span = span.union(next.span)
        }
        return FieldPath(segments: segments, span: span)
    }

    private mutating func parseComparison() throws(Failure) -> Expression {
        let path = try parseFieldPath()
        let operatorToken = current
        let op: Comparison.Operator
        var negated = false
        switch operatorToken.kind {
        case .equal: op = .equal
        case .notEqual: op = .notEqual
        case .less: op = .less
        case .lessEqual: op = .lessEqual
        case .greater: op = .greater
        case .greaterEqual: op = .greaterEqual
        case .assign:
            throw error("`=` is not a comparison", help: "write `==` to compare")
        case .word("matches"): op = .matches
        case .word("in"): op = .in
        case .word("not") where peek().isWord("in"):
            advance()
            op = .in
            negated = true
        default:
            throw error("expected a comparison after `\(path)`, found \(found)",
                        help: "compare with `==`, `!=`, `<`, `<=`, `>`, `>=`, `matches \"glob\"` or `in LIST`")
        }
        let operatorSpan = operatorToken.span.union(advance().span)
        let operand: Comparison.Operand
        switch op {
        case .in:
            if current.kind == .leftBracket {
                let start = advance().span
                var literals: [Literal] = []
                while current.kind != .rightBracket {
                    literals.append(try parseLiteral())
                    guard current.kind == .comma else { break }
                    advance()
                }
                try expect(.rightBracket, "to close the list")
                operand = .inlineList(literals, span: start.union(previous.span))
            } else {
                operand = .list(try expectName("a list name or `[...]` after `in`"))
            }
        case .matches:
            let pattern = try expectString("a glob pattern after `matches`")
            operand = .literal(Literal(.string(pattern.value), span: pattern.span))
        default:
            operand = .literal(try parseLiteral())
        }
        let comparison = Expression.comparison(Comparison(path: path, op: op, operatorSpan: operatorSpan, operand: operand))
        return negated ? .not(comparison, span: comparison.span) : comparison
    }

    private mutating func parseLiteral() throws(Failure) -> Literal {
        let token = current
        let value: Literal.Value
        switch token.kind {
        case .string(let text): value = .string(text)
        case .integer(let number): value = .integer(number)
        case .decimal(let number, let text): value = .decimal(number, text: text)
        case .word("true"): value = .boolean(true)
        case .word("false"): value = .boolean(false)
        case .word(let word) where !startsNextStatement:
            throw error("expected a value, found `\(word)`", help: "put text in double quotes: `\"\(word)\"`")
        default:
            throw error("expected a value (a string, number or `true`/`false`), found \(found)")
        }
        advance()
        return Literal(value, span: token.span)
    }
}
