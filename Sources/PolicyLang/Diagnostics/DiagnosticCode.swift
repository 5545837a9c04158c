/// A stable code for a kind of finding, like `E200`; `docs/diagnostics.md` explains each one.
///
/// A struct rather than an enum, as in swift-nio's error codes, so codes can be added without
/// breaking anyone who switches over them.
public struct DiagnosticCode: Sendable, Hashable, CustomStringConvertible {
    /// `E` or `W` and three digits.
    public let rawValue: String
    /// A kebab-case name for the kind, stable like the code (`unknown-action`).
    public let name: String
    /// A one-line summary for `--explain`-style listings and the docs.
    public let summary: String

    private init(_ rawValue: String, _ name: String, _ summary: String) {
        self.rawValue = rawValue
        self.name = name
        self.summary = summary
    }

    public var severity: Severity { rawValue.hasPrefix("E") ? .error : .warning }
    public var description: String { rawValue }

    public static func == (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    // MARK: Syntax (E1xx)
    public static let syntax = DiagnosticCode("E100", "syntax", "the text does not follow the grammar")
    public static let unterminatedString = DiagnosticCode("E101", "unterminated-string", "a string is not closed on its line")
    public static let invalidCharacter = DiagnosticCode("E102", "invalid-character", "a character that no token can start with")
    public static let invalidNumber = DiagnosticCode("E103", "invalid-number", "a number that is malformed or out of range")
    public static let missingHeader = DiagnosticCode("E104", "missing-header", "the file does not start with `policy \"NAME\" for ocpp VERSION`")
    public static let unsupportedVersion = DiagnosticCode("E105", "unsupported-version", "an OCPP version other than 1.6 and 2.0.1")
    public static let duplicateDeclaration = DiagnosticCode("E106", "duplicate-declaration", "a list, `primary`, `backends` or rule name declared twice")
    public static let invalidEscape = DiagnosticCode("E107", "invalid-escape", "an unknown escape sequence in a string")

    // MARK: Names (E2xx)
    public static let unknownAction = DiagnosticCode("E200", "unknown-action", "an action the declared OCPP version does not have")
    public static let wrongDirection = DiagnosticCode("E201", "wrong-direction", "an action used in the direction OCPP does not send it")
    public static let unknownField = DiagnosticCode("E202", "unknown-field", "a field path that none of the rule's actions has")
    public static let typeMismatch = DiagnosticCode("E203", "type-mismatch", "a comparison between values of different types")
    public static let unknownList = DiagnosticCode("E204", "unknown-list", "a list name that no `list` declares")
    public static let unknownBackend = DiagnosticCode("E205", "unknown-backend", "a backend the gateway config or the `backends` declaration lacks")
    public static let listFileUnreadable = DiagnosticCode("E206", "list-file-unreadable", "a `list ... from file` whose file cannot be read")
    public static let reservedName = DiagnosticCode("E207", "reserved-name", "`all`, `gateway`, `owner` or `primary` used where a backend name must stand")
    public static let invalidPattern = DiagnosticCode("E208", "invalid-pattern", "a glob pattern that is empty or malformed")
    public static let invalidEnumValue = DiagnosticCode("E209", "invalid-enum-value", "a literal that the field's enumeration does not allow")
    public static let invalidOperator = DiagnosticCode("E210", "invalid-operator", "an operator the field's type does not support (`<` on a string)")

    // MARK: Semantics (E3xx)
    public static let dropRequiredField = DiagnosticCode("E300", "drop-required-field", "`as drop` on a field the schema requires")
    public static let conflictingResponder = DiagnosticCode("E301", "conflicting-responder", "two `answered by` that disagree for the same message")
    public static let conflictingRedaction = DiagnosticCode("E302", "conflicting-redaction", "two redactions that disagree for the same field and backend")
    public static let gatewayCannotAnswer = DiagnosticCode("E303", "gateway-cannot-answer", "`to gateway` for an action only a backend can answer")
    public static let redactionNotApplicable = DiagnosticCode("E304", "redaction-not-applicable", "a redaction mode that the field's type cannot take")
    public static let responderNotTarget = DiagnosticCode("E305", "responder-not-target", "`answered by` names a backend the rule does not route to")
    public static let valueTooLong = DiagnosticCode("E306", "value-too-long", "a replacement that does not fit the field's maximum length")
    public static let noTargets = DiagnosticCode("E307", "no-targets", "a rule with an empty list of actions, targets or backends")

    // MARK: Warnings (W1xx)
    public static let shadowedRule = DiagnosticCode("W100", "shadowed-rule", "a rule that can never fire because an earlier rule shadows it")
    public static let allowCoveredByDeny = DiagnosticCode("W101", "allow-covered-by-deny", "an `allow` that a `deny` fully overrides")
    public static let unroutedAction = DiagnosticCode("W102", "unrouted-action", "charge-point actions that no rule routes")
    public static let noOwnerFallback = DiagnosticCode("W103", "no-owner-fallback", "no `owner ... otherwise` rule")
    public static let unusedBackend = DiagnosticCode("W104", "unused-backend", "a backend that no rule mentions")
    public static let overlappingOwners = DiagnosticCode("W105", "overlapping-owners", "two owner rules whose idTag patterns overlap")
    public static let conflictingCommand = DiagnosticCode("W106", "conflicting-command", "two backends allowed the same station-wide command")
    public static let duplicateRedaction = DiagnosticCode("W107", "duplicate-redaction", "the same redaction stated twice")
    public static let emptyList = DiagnosticCode("W108", "empty-list", "a list without entries")
    public static let unusedList = DiagnosticCode("W109", "unused-list", "a list no rule uses")

    /// Every code, in order, for the docs and for tests that check each is documented.
    public static let all: [DiagnosticCode] = [
        .syntax, .unterminatedString, .invalidCharacter, .invalidNumber, .missingHeader, .unsupportedVersion,
        .duplicateDeclaration, .invalidEscape,
        .unknownAction, .wrongDirection, .unknownField, .typeMismatch, .unknownList, .unknownBackend,
        .listFileUnreadable, .reservedName, .invalidPattern, .invalidEnumValue, .invalidOperator,
        .dropRequiredField, .conflictingResponder, .conflictingRedaction, .gatewayCannotAnswer,
        .redactionNotApplicable, .responderNotTarget, .valueTooLong, .noTargets,
        .shadowedRule, .allowCoveredByDeny, .unroutedAction, .noOwnerFallback, .unusedBackend,
        .overlappingOwners, .conflictingCommand, .duplicateRedaction, .emptyList, .unusedList,
    ]

    /// The code with this raw value, if any.
    public init?(rawValue: String) {
        guard let code = Self.all.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = code
    }
}
