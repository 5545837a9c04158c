/// `owner BACKEND when CONDITION` or `owner BACKEND otherwise`; first match wins.
public struct OwnerRule: Sendable {
    public var annotation: RuleAnnotation?
    public var backend: Identifier
    /// `nil` for `otherwise`.
    public var condition: Expression?
    public var span: SourceSpan

    public init(annotation: RuleAnnotation?, backend: Identifier, condition: Expression?, span: SourceSpan) {
        self.annotation = annotation
        self.backend = backend
        self.condition = condition
        self.span = span
    }
}

/// `route ACTIONS to TARGETS [when CONDITION] [answered by BACKEND]`.
public struct RouteRule: Sendable {
    public var annotation: RuleAnnotation?
    public var actions: [Identifier]
    /// Backend names, `all`, `owner`, `primary` or `gateway`.
    public var targets: [Identifier]
    public var condition: Expression?
    public var answeredBy: Identifier?
    public var span: SourceSpan

    public init(annotation: RuleAnnotation?, actions: [Identifier], targets: [Identifier], condition: Expression?,
                answeredBy: Identifier?, span: SourceSpan) {
        self.annotation = annotation
        self.actions = actions
        self.targets = targets
        self.condition = condition
        self.answeredBy = answeredBy
        self.span = span
    }
}

/// `allow|deny BACKENDS ACTIONS [when CONDITION]`: what backends may send to charge points.
public struct PermissionRule: Sendable {
    public enum Effect: String, Sendable {
        case allow
        case deny
    }

    public var annotation: RuleAnnotation?
    public var effect: Effect
    public var effectSpan: SourceSpan
    /// Backend names or `all`.
    public var backends: [Identifier]
    public var actions: [Identifier]
    public var condition: Expression?
    public var span: SourceSpan

    public init(annotation: RuleAnnotation?, effect: Effect, effectSpan: SourceSpan, backends: [Identifier],
                actions: [Identifier], condition: Expression?, span: SourceSpan) {
        self.annotation = annotation
        self.effect = effect
        self.effectSpan = effectSpan
        self.backends = backends
        self.actions = actions
        self.condition = condition
        self.span = span
    }
}

/// How a redaction rewrites a field.
public enum RedactionModeName: String, Sendable, CaseIterable {
    /// Remove the field (only optional fields).
    case drop
    /// Keep the last 4 characters and star the rest.
    case mask
    /// A keyed HMAC-SHA256 pseudonym cut to the field's maximum length.
    case hash
    /// The owner backend's name.
    case owner
}

/// `redact FIELDS [in ACTIONS] for BACKENDS as MODE`.
public struct RedactionRule: Sendable {
    public var annotation: RuleAnnotation?
    public var fields: [FieldPath]
    /// `nil` without `in`: every action that has the field.
    public var actions: [Identifier]?
    /// Backend names or `all`.
    public var backends: [Identifier]
    public var mode: RedactionModeName
    public var modeSpan: SourceSpan
    public var span: SourceSpan

    public init(annotation: RuleAnnotation?, fields: [FieldPath], actions: [Identifier]?, backends: [Identifier],
                mode: RedactionModeName, modeSpan: SourceSpan, span: SourceSpan) {
        self.annotation = annotation
        self.fields = fields
        self.actions = actions
        self.backends = backends
        self.mode = mode
        self.modeSpan = modeSpan
        self.span = span
    }
}
