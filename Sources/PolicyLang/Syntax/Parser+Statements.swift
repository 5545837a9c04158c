extension Parser {
    /// `policy "NAME" for ocpp VERSION`, which must open the file.
    mutating func parseHeader() -> PolicyHeader? {
        guard current.isWord("policy") else {
            diagnostics.append(Diagnostic(.missingHeader, "the policy does not start with a `policy` header", in: source,
                                          at: current.span, help: "start the file with `policy \"my-site\" for ocpp 1.6`"))
            return nil
        }
        let startIndex = index
        statementStart = current.span
        let start = advance().span
        do {
            let name = try expectString("the policy name")
            try expectWord("for", "after the policy name")
            try expectWord("ocpp", "after `for`")
            let versionToken = current
            let versionText: String
            switch versionToken.kind {
            case .decimal(_, let text), .version(let text): versionText = text
            case .integer(let value): versionText = String(value)
            case .string(let text): versionText = text
            default: throw error("expected an ocpp version such as `1.6` or `2.0.1`, found \(found)")
            }
            advance()
            let header = PolicyHeader(name: name.value, nameSpan: name.span, versionText: versionText,
                                      versionSpan: versionToken.span, span: start.union(versionToken.span))
            if header.version == nil {
                diagnostics.append(Diagnostic(.unsupportedVersion, "ocpp `\(versionText)` is not supported", in: source,
                                              at: versionToken.span, help: "chargemux speaks ocpp `1.6` and `2.0.1`"))
            }
            try expectStatementEnd()
            return header
        } catch {
            synchronize(from: startIndex)
            return nil
        }
    }

    /// One statement, with its optional `@name("...")` annotation.
    mutating func parseStatement() throws(Failure) -> Declaration {
        let annotation = try parseAnnotation()
        guard let keyword = current.word, Self.statementKeywords.contains(keyword) else {
            var help = "a statement starts with `list`, `primary`, `backends`, `owner`, `route`, `allow`, `deny` or `redact`"
            if let word = current.word,
               let near = Self.statementKeywords.min(by: { editDistance(word, $0) < editDistance(word, $1) }),
               editDistance(word, near) <= 2 {
                help = "did you mean `\(near)`?"
            }
            throw error("expected a statement, found \(found)", help: help)
        }
        if annotation != nil, ["list", "primary", "backends", "policy"].contains(keyword) {
            throw error("`@name` labels rules; `\(keyword)` is not a rule", at: annotation?.span)
        }
        let start = advance().span
        switch keyword {
        case "list": return .list(try parseList(start: start))
        case "primary":
            let backend = try expectName("a backend name after `primary`")
            return .primary(PrimaryDeclaration(backend: backend, span: start.union(backend.span)))
        case "backends":
            let names = try parseNameList("a backend name")
            return .backends(BackendsDeclaration(backends: names, span: start.union(previous.span)))
        case "owner": return .owner(try parseOwner(annotation: annotation, start: start))
        case "route": return .route(try parseRoute(annotation: annotation, start: start))
        case "allow", "deny": return .permission(try parsePermission(annotation: annotation, keyword: keyword, start: start))
        case "redact": return .redaction(try parseRedaction(annotation: annotation, start: start))
        default:
            throw error("the policy header must be the first statement", at: start,
                        help: "keep a single `policy` line at the top of the file")
        }
    }

    private mutating func parseAnnotation() throws(Failure) -> RuleAnnotation? {
        guard current.kind == .at else { return nil }
        let start = advance().span
        try expectWord("name", "after `@`")
        try expect(.leftParen, "after `@name`")
        let name = try expectString("the rule name")
        try expect(.rightParen, "after the rule name")
        return RuleAnnotation(name: name.value, span: start.union(previous.span))
    }

    private mutating func parseList(start: SourceSpan) throws(Failure) -> ListDeclaration {
        let name = try expectName("a list name after `list`")
        if current.kind == .assign {
            advance()
            try expect(.leftBracket, "to open the list")
            var entries: [StringLiteral] = []
            while current.kind != .rightBracket {
                entries.append(try expectString("a list entry"))
                guard current.kind == .comma else { break }
                advance()
            }
            try expect(.rightBracket, "to close the list")
            return ListDeclaration(name: name, contents: .inline(entries), span: start.union(previous.span))
        }
        guard current.isWord("from") else {
            throw error("expected `=` or `from file` after the list name, found \(found)",
                        help: "write `list \(name.name) = [\"A\", \"B\"]` or `list \(name.name) from file \"\(name.name).txt\"`")
        }
        advance()
        try expectWord("file", "after `from`")
        let path = try expectString("the list file's path")
        return ListDeclaration(name: name, contents: .file(path), span: start.union(path.span))
    }

    private mutating func parseOwner(annotation: RuleAnnotation?, start: SourceSpan) throws(Failure) -> OwnerRule {
        let backend = try expectName("a backend name after `owner`")
        if current.isWord("otherwise") {
            advance()
            return OwnerRule(annotation: annotation, backend: backend, condition: nil, span: start.union(previous.span))
        }
        guard current.isWord("when") else {
            throw error("expected `when` or `otherwise` after the owner's backend, found \(found)",
                        help: "write `owner \(backend.name) when idTag matches \"PREFIX-*\"` or `owner \(backend.name) otherwise`")
        }
        advance()
        let condition = try parseCondition()
        return OwnerRule(annotation: annotation, backend: backend, condition: condition, span: start.union(condition.span))
    }

    private mutating func parseRoute(annotation: RuleAnnotation?, start: SourceSpan) throws(Failure) -> RouteRule {
        let actions = try parseNameList("an action name")
        try expectWord("to", "after the actions of a `route` rule")
        let targets = try parseNameList("a target (a backend, `all`, `owner`, `primary` or `gateway`)")
        var condition: Expression?
        if current.isWord("when") {
            advance()
            condition = try parseCondition()
        }
        var answeredBy: Identifier?
        if current.isWord("answered") {
            advance()
            try expectWord("by", "after `answered`")
            answeredBy = try expectName("a backend name after `answered by`")
        }
        return RouteRule(annotation: annotation, actions: actions, targets: targets, condition: condition,
                         answeredBy: answeredBy, span: start.union(previous.span))
    }

    private mutating func parsePermission(annotation: RuleAnnotation?, keyword: String, start: SourceSpan) throws(Failure) -> PermissionRule {
        let backends = try parseNameList("a backend name or `all`")
        let actions = try parseNameList("an action name")
        var condition: Expression?
        if current.isWord("when") {
            advance()
            condition = try parseCondition()
        }
        return PermissionRule(annotation: annotation, effect: keyword == "allow" ? .allow : .deny, effectSpan: start,
                              backends: backends, actions: actions, condition: condition, span: start.union(previous.span))
    }

    private mutating func parseRedaction(annotation: RuleAnnotation?, start: SourceSpan) throws(Failure) -> RedactionRule {
        var fields = [try parseFieldPath()]
        while current.kind == .comma {
            advance()
            fields.append(try parseFieldPath())
        }
        var actions: [Identifier]?
        if current.isWord("in") {
            advance()
            actions = try parseNameList("an action name")
        }
        try expectWord("for", "after the fields of a `redact` rule")
        let backends = try parseNameList("a backend name or `all`")
        try expectWord("as", "after the backends of a `redact` rule")
        guard let word = current.word, let mode = RedactionModeName(rawValue: word) else {
            throw error("expected a redaction mode, found \(found)", help: "the modes are `drop`, `mask`, `hash` and `owner`")
        }
        let modeSpan = advance().span
        return RedactionRule(annotation: annotation, fields: fields, actions: actions, backends: backends, mode: mode,
                             modeSpan: modeSpan, span: start.union(modeSpan))
    }
}
