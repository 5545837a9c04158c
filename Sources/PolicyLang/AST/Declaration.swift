/// One top-level statement of a policy file.
public enum Declaration: Sendable {
    case list(ListDeclaration)
    case primary(PrimaryDeclaration)
    case backends(BackendsDeclaration)
    case owner(OwnerRule)
    case route(RouteRule)
    case permission(PermissionRule)
    case redaction(RedactionRule)

    /// The whole statement's span.
    public var span: SourceSpan {
        switch self {
        case .list(let declaration): declaration.span
        case .primary(let declaration): declaration.span
        case .backends(let declaration): declaration.span
        case .owner(let rule): rule.span
        case .route(let rule): rule.span
        case .permission(let rule): rule.span
        case .redaction(let rule): rule.span
        }
    }
}

/// `@name("...")` before a rule: a stable label that tests and logs can cite instead of a line.
public struct RuleAnnotation: Sendable {
    public var name: String
    public var span: SourceSpan

    public init(name: String, span: SourceSpan) {
        self.name = name
        self.span = span
    }
}

/// `list NAME = ["a", "b"]` or `list NAME from file "path"`.
public struct ListDeclaration: Sendable {
    public enum Contents: Sendable {
        case inline([StringLiteral])
        /// A file of one entry per line with `#` comments, relative to the policy file.
        case file(StringLiteral)
    }

    public var name: Identifier
    public var contents: Contents
    public var span: SourceSpan

    public init(name: Identifier, contents: Contents, span: SourceSpan) {
        self.name = name
        self.contents = contents
        self.span = span
    }
}

/// `primary BACKEND`: answers charge-point calls that nothing else answers.
public struct PrimaryDeclaration: Sendable {
    public var backend: Identifier
    public var span: SourceSpan

    public init(backend: Identifier, span: SourceSpan) {
        self.backend = backend
        self.span = span
    }
}

/// `backends a, b, c`: declares the backends; a name outside it is an error.
public struct BackendsDeclaration: Sendable {
    public var backends: [Identifier]
    public var span: SourceSpan

    public init(backends: [Identifier], span: SourceSpan) {
        self.backends = backends
        self.span = span
    }
}

/// A string literal with its span.
public struct StringLiteral: Sendable, Hashable {
    public var value: String
    public var span: SourceSpan

    public init(_ value: String, span: SourceSpan) {
        self.value = value
        self.span = span
    }
}
