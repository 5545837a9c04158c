/// A tool that cannot go on, with what it prints and the exit status.
struct ToolFailure: Error, Sendable {
    /// What to print and the exit status.
    var output: ToolOutput

    /// A failure printing `message` on standard error.
    init(_ message: String, status: ToolOutput.Status = .findings) {
        output = .failure(message, status: status)
    }

    /// A failure with exactly this output.
    init(output: ToolOutput) { self.output = output }

    /// A usage error (exit 2).
    static func usage(_ error: UsageError) -> ToolFailure { ToolFailure(error.message, status: .usage) }
}
