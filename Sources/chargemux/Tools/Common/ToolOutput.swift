/// What a tool prints and how the process should exit, so tests can check both without a process.
struct ToolOutput: Sendable, Equatable {
    /// Exit codes shared by every command.
    enum Status: Int32, Sendable {
        /// Everything is fine.
        case ok = 0
        /// The tool found problems (errors, denied replays, bad capture lines) or could not do its job.
        case findings = 1
        /// The command line is wrong: bad options, a frame that is not a call, an unknown backend.
        case usage = 2
    }

    /// The text for standard output.
    var stdout: String = ""
    /// The text for standard error (problems with the input, not the result).
    var stderr: String = ""
    /// The exit status.
    var status: Status = .ok

    /// A failure with `message` on standard error.
    static func failure(_ message: String, status: Status = .findings) -> ToolOutput {
        ToolOutput(stdout: "", stderr: message.hasSuffix("\n") ? message : message + "\n", status: status)
    }
}
