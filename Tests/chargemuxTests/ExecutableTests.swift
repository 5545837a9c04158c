import Foundation
import Testing

/// Runs the built `chargemux` executable, to check the command wiring and the exit codes.
@Suite("chargemux executable")
struct ExecutableTests {
    /// The `chargemux` binary next to the test bundle, else in `.build/debug`.
    static var executable: String? {
        let candidates: [String?] = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("chargemux").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("chargemux").path,
            Fixtures.repositoryRoot + "/.build/debug/chargemux",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs chargemux with `arguments` in the repository root; returns the exit code and output.
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try Self.run(arguments)
    }

    /// Runs chargemux with `arguments` in `directory` to its end; returns the exit code and output.
    static func run(_ arguments: [String], in directory: String = Fixtures.repositoryRoot) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let binary = try #require(executable, "build the executable first: `swift build`")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test("`chargemux lint Examples/linking-world/site.policy` prints W102 and exits 0")
    func lintExample() throws {
        let result = try run(["lint", "Examples/linking-world/site.policy"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Examples/linking-world/site.policy:2:1: warning[W102]: no rule routes these charge-point actions"))
        #expect(result.stdout.hasSuffix("Examples/linking-world/site.policy: 0 errors, 1 warning\n"))
    }

    @Test("usage errors exit 2 with ArgumentParser's message; --strict findings exit 1")
    func exitCodes() throws {
        let missing = try run(["lint"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("Usage: chargemux lint"))
        let notCall = try run(["explain", "Examples/linking-world/site.policy", "--from", "CP-1", "--message", "[3,\"1\",{}]"])
        #expect(notCall.status == 2)
        #expect(notCall.stderr == "`--message` must be a call `[2, \"id\", \"Action\", {...}]`, not message type 3\n")
        let strict = try run(["lint", "--strict", "Examples/linking-world/site.policy"])
        #expect(strict.status == 1)
    }
}
