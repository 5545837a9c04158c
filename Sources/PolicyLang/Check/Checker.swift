import OCPP

/// Runs every semantic check over a resolved policy.
///
/// Each check lives in its own file and reports its own codes, like swift-format's rules; the
/// list below is the order in which they run (diagnostics are sorted by position afterwards).
public enum Checker {
    static let checks: [any PolicyCheck.Type] = [
        NoOwnerFallbackCheck.self,
        UnusedBackendCheck.self,
        UnroutedActionCheck.self,
        DropRequiredFieldCheck.self,
        ConflictingResponderCheck.self,
        RedactionConflictCheck.self,
        GatewayAnswerCheck.self,
        RedactionTypeCheck.self,
        ResponderTargetCheck.self,
        OwnerRedactionLengthCheck.self,
        ShadowedRuleCheck.self,
        AllowCoveredByDenyCheck.self,
        OverlappingOwnersCheck.self,
        ConflictingCommandCheck.self,
    ]

    /// Every finding of every check.
    public static func check(_ policy: ResolvedPolicy, configBackends: [String]? = nil) -> [Diagnostic] {
        var context = CheckContext(policy: policy, configBackends: configBackends)
        for check in checks { check.run(&context) }
        return context.diagnostics
    }
}

/// One semantic check.
protocol PolicyCheck {
    /// Appends this check's findings to `context`.
    static func run(_ context: inout CheckContext)
}

/// What a check sees and where it reports.
struct CheckContext {
    let policy: ResolvedPolicy
    let configBackends: [String]?
    private(set) var diagnostics: [Diagnostic] = []

    init(policy: ResolvedPolicy, configBackends: [String]?) {
        self.policy = policy
        self.configBackends = configBackends
    }

    var source: SourceFile { policy.file.source }

    mutating func report(_ code: DiagnosticCode, _ message: String, at span: SourceSpan, label: String? = nil,
                         help: String? = nil, notes: [Diagnostic.Note] = []) {
        diagnostics.append(Diagnostic(code, message, in: source, at: span, label: label, help: help, notes: notes))
    }

    /// A note pointing at another place in the policy.
    func note(_ message: String, at span: SourceSpan) -> Diagnostic.Note {
        Diagnostic.Note(message, in: source, at: span)
    }

    /// Where the header stands, for findings about the whole policy.
    var headerSpan: SourceSpan { policy.file.header?.span ?? .fileStart }
}

extension CheckContext {
    /// Where an action's conditions are evaluated.
    func site(_ action: ActionSpec?) -> EvaluationSite {
        EvaluationSite(action: action, catalog: policy.catalog, version: policy.version)
    }

    /// The source line of a span, for "at line N".
    func line(of span: SourceSpan) -> Int { source.position(of: span.start).line }

    /// `a`, `b` and `c` in backticks.
    static func quotedList(_ items: [String], limit: Int = 6) -> String {
        let quoted = items.prefix(limit).map { "`\($0)`" }
        let more = items.count > limit ? ["\(items.count - limit) more"] : []
        let all = quoted + more
        switch all.count {
        case 0: return ""
        case 1: return all[0]
        default: return all.dropLast().joined(separator: ", ") + " and " + all.last!
        }
    }
}
