import OCPP

extension Resolver {
    /// Whether `comparison` makes sense for a subject of `type`; reports why not.
    mutating func typeCheck(_ comparison: Comparison, subject: ConditionSubject, type: FieldType,
                            operand: ResolvedOperand) -> Bool {
        let leaf = type.elementType
        let subjectName = "`\(subject)`"
        if subject == .now { return checkTime(comparison, operand: operand) }
        switch leaf {
        case .object:
            report(.typeMismatch, "\(subjectName) is an object and cannot be compared", at: comparison.path.span,
                   help: "compare one of its fields, such as `\(subject).FIELD`")
            return false
        case .any:
            return true
        default:
            break
        }
        if comparison.op == .matches {
            switch leaf {
            case .string, .enumeration, .dateTime: return true
            default:
                report(.invalidOperator, "`matches` compares text, but \(subjectName) is \(article(leaf.kindName))",
                       at: comparison.operatorSpan, help: "use `==` or `in [...]`")
                return false
            }
        }
        if [.less, .lessEqual, .greater, .greaterEqual].contains(comparison.op) {
            switch leaf {
            case .integer, .decimal: break
            default:
                report(.invalidOperator, "`\(comparison.op.rawValue)` compares numbers, but \(subjectName) is \(article(leaf.kindName))",
                       at: comparison.operatorSpan, help: "use `==`, `!=`, `matches` or `in`")
                return false
            }
        }
        let values: [Literal.Value]
        switch operand {
        case .literal(let value): values = [value]
        case .set(_, let members): values = members
        case .pattern: return true
        }
        let literals = literalSpans(comparison)
        for (offset, value) in values.enumerated() {
            let span = offset < literals.count ? literals[offset] : comparison.operand.span
            guard check(value, against: leaf, subject: subjectName, at: span) else { return false }
        }
        return true
    }

    private mutating func check(_ value: Literal.Value, against type: FieldType, subject: String, at span: SourceSpan) -> Bool {
        switch (type, value) {
        case (.string, .string), (.dateTime, .string), (.integer, .integer), (.decimal, .integer), (.decimal, .decimal),
             (.boolean, .boolean):
            return true
        case (.enumeration(let allowed), .string(let text)):
            if allowed.contains(text) { return true }
            report(.invalidEnumValue, "`\(text)` is not a value of \(subject)", at: span,
                   help: suggestion(for: text, among: allowed) ?? "the values are " + allowed.map { "`\($0)`" }.joined(separator: ", "))
            return false
        default:
            let literal = Literal(value, span: span)
            var help: String?
            switch (type, value) {
            case (.integer, .string(let text)) where Int(text) != nil, (.decimal, .string(let text)) where Double(text) != nil:
                help = "write the number without quotes: `\(text)`"
            case (.string, _), (.dateTime, _), (.enumeration, _):
                help = "put text in double quotes: `\"\(literal.sourceText)\"`"
            default:
                break
            }
            report(.typeMismatch, "\(subject) is \(article(type.kindName)), but `\(literal.sourceText)` is \(article(literal.typeName))",
                   at: span, help: help)
            return false
        }
    }

    private func literalSpans(_ comparison: Comparison) -> [SourceSpan] {
        switch comparison.operand {
        case .literal(let literal): [literal.span]
        case .inlineList(let literals, _): literals.map(\.span)
        case .list(let name): [name.span]
        }
    }

    private func article(_ noun: String) -> String {
        ["a", "e", "i", "o", "u"].contains(noun.first.map(String.init) ?? "") ? "an \(noun)" : "a \(noun)"
    }
}
