/// How serious a finding is: errors stop a policy from loading, warnings do not.
public enum Severity: String, Sendable, Hashable, Comparable {
    case warning
    case error

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
}

/// One finding about a policy: where, what, and how to fix it.
///
/// Messages are lowercase and name user input in backticks; they never name internal types.
public struct Diagnostic: Sendable, Hashable {
    public var code: DiagnosticCode
    public var message: String
    /// The file the span points into.
    public var file: String
    public var span: SourceSpan
    /// The 1-based position of the span's start.
    public var position: SourcePosition
    /// A short text shown under the caret, e.g. "shadowed by line 3".
    public var label: String?
    /// How to fix it: "did you mean `StartTransaction`?".
    public var help: String?
    /// Other places that explain this one (the earlier rule that shadows this one, ...).
    public var notes: [Note]

    /// A secondary location with a message.
    public struct Note: Sendable, Hashable {
        public var message: String
        public var file: String
        public var span: SourceSpan
        public var position: SourcePosition

        public init(message: String, file: String, span: SourceSpan, position: SourcePosition) {
            self.message = message
            self.file = file
            self.span = span
            self.position = position
        }
    }

    public var severity: Severity { code.severity }

    public init(code: DiagnosticCode, message: String, file: String, span: SourceSpan, position: SourcePosition,
                label: String? = nil, help: String? = nil, notes: [Note] = []) {
        self.code = code
        self.message = message
        self.file = file
        self.span = span
        self.position = position
        self.label = label
        self.help = help
        self.notes = notes
    }

    /// A diagnostic in `source` at `span`.
    public init(_ code: DiagnosticCode, _ message: String, in source: SourceFile, at span: SourceSpan,
                label: String? = nil, help: String? = nil, notes: [Note] = []) {
        self.init(code: code, message: message, file: source.path, span: span, position: source.position(of: span.start),
                  label: label, help: help, notes: notes)
    }
}

extension Diagnostic.Note {
    /// A note pointing at `span` in `source`.
    public init(_ message: String, in source: SourceFile, at span: SourceSpan) {
        self.init(message: message, file: source.path, span: span, position: source.position(of: span.start))
    }
}

extension Array where Element == Diagnostic {
    /// Whether any finding is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, then position, then code, so output is stable.
    public var sortedForOutput: [Diagnostic] {
        sorted { ($0.file, $0.position, $0.code.rawValue) < ($1.file, $1.position, $1.code.rawValue) }
    }
}
