import ArgumentParser
import Foundation

extension ToolOutput {
    /// Writes the output to the process's standard output and error, and exits with the status
    /// (by throwing `ExitCode`) when it is not 0.
    func emit() throws {
        if !stdout.isEmpty { FileHandle.standardOutput.write(Data(stdout.utf8)) }
        if !stderr.isEmpty { FileHandle.standardError.write(Data(stderr.utf8)) }
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
