/// One problem in a configuration file: where, what, and how to fix it.
///
/// Messages are lowercase, name user input in backticks and never contain a secret's value.
public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public let code: ConfigError.Code
    /// The configuration file, as the operator named it.
    public let file: String
    /// The 1-based line, or 0 if the problem has no position (e.g. the file is missing).
    public let line: Int
    /// The 1-based column in Unicode scalars, or 0 if the problem has no position.
    public let column: Int
    /// Where in the document, like `backends[1].url`; empty for the whole document.
    public let keyPath: String
    /// What is wrong, lowercase, user input in backticks.
    public let message: String
    /// How to fix it, e.g. "did you mean `securityProfile`?".
    public let help: String?

    /// A diagnostic from its parts.
    public init(
        code: ConfigError.Code, file: String, line: Int, column: Int, keyPath: String,
        message: String, help: String? = nil
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
        self.help = help
    }

    /// `FILE:LINE:COL: error[config]: message`, then `help: ...` on its own line if there is help.
    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        let head = "\(location): error[config]: \(message)"
        return help.map { head + "\nhelp: " + $0 } ?? head
    }
}
