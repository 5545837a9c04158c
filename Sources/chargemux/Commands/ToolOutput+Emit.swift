import ArgumentParser
import Foundation

extension ToolOutput {
    /// Writes the output to the process's standard output and error, and exits with the status
    /// (by throwing `ExitCode`) when it is not 0.
    func emit() throws {
        // Each stream ends its last line, so a terminal that interleaves them keeps lines whole.
        if !stdout.isEmpty { FileHandle.standardOutput.write(Data(Self.terminated(stdout).utf8)) }
        if !stderr.isEmpty { FileHandle.standardError.write(Data(Self.terminated(stderr).utf8)) }
        if status != .ok { throw ExitCode(status.rawValue) }
    }

    private static func terminated(_ text: String) -> String { text.hasSuffix("\n") ? text : text + "\n" }
}
