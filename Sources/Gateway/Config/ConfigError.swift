import Foundation

/// Why a configuration was refused: every problem found in the file, in file order.
///
/// The loader checks the whole file before it throws, so operators can fix everything in one
/// pass. The single-problem properties (``code``, ``line``, ...) describe the first diagnostic.
public struct ConfigError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// The problems, sorted by line and column; never empty.
    public let diagnostics: [ConfigDiagnostic]

    /// An error with `diagnostics` (sorted by position here); an empty array becomes one
    /// generic diagnostic so the error always says something.
    public init(diagnostics: [ConfigDiagnostic]) {
        let sorted = diagnostics.enumerated()
            .sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            .map(\.element)
        self.diagnostics = sorted.isEmpty
            ? [ConfigDiagnostic(code: .invalidValue, file: "", line: 0, column: 0, keyPath: "",
                                message: "the configuration is invalid")]
            : sorted
    }

    /// An error with one diagnostic.
    public init(_ diagnostic: ConfigDiagnostic) { self.init(diagnostics: [diagnostic]) }

    private var first: ConfigDiagnostic { diagnostics[0] }
    /// The first problem's kind.
    public var code: Code { first.code }
    /// The configuration file, as the operator named it.
    public var file: String { first.file }
    /// The first problem's 1-based line (0 if it has no position).
    public var line: Int { first.line }
    /// The first problem's 1-based column (0 if it has no position).
    public var column: Int { first.column }
    /// The first problem's key path, like `backends[1].url`.
    public var keyPath: String { first.keyPath }
    /// The first problem's message.
    public var message: String { first.message }
    /// How to fix the first problem.
    public var help: String? { first.help }

    /// Every diagnostic rendered, one after the other.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}
