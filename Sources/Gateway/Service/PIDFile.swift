import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The running gateway's process id, in a file beside its config, so that `chargemux reload`
/// can find the gateway and send it SIGHUP.
public struct PIDFile: Sendable {
    public let path: String

    /// `chargemux.pid` in the config file's folder.
    public init(configPath: String) {
        let folder = URL(fileURLWithPath: configPath).deletingLastPathComponent().path
        self.path = folder + "/chargemux.pid"
    }

    public init(path: String) {
        self.path = path
    }

    /// Why the running gateway could not be signalled.
    public struct SignalError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Writes this process's id.
    public func writeCurrentProcess() throws {
        try "\(getpid())\n".write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Removes the file if it still names this process.
    public func removeIfCurrentProcess() {
        guard readPID() == getpid() else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The process id in the file, if it holds one.
    public func readPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Sends `signal` to the gateway the file names.
    public func signalRunningGateway(_ signal: Int32) throws(SignalError) {
        guard let pid = readPID(), pid > 0 else {
            throw SignalError(description: "no running gateway: `\(path)` does not hold a process id; start it with `chargemux run`")
        }
        guard kill(pid, 0) == 0 else {
            throw SignalError(description: "no running gateway: process \(pid) from `\(path)` is gone; remove the stale file")
        }
        guard kill(pid, signal) == 0 else {
            throw SignalError(description: "cannot signal process \(pid): \(String(cString: strerror(errno)))")
        }
    }
}
