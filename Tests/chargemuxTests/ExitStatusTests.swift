import ArgumentParser
import Testing
@testable import chargemux

@Suite("exit status")
struct ExitStatusTests {
    /// The exit status the process would end with for `arguments`, without running the command.
    func status(_ arguments: [String]) -> Int32 {
        do {
            _ = try Chargemux.parseAsRoot(arguments)
            return 0
        } catch {
            return Chargemux.exitStatus(for: error)
        }
    }

    @Test("usage errors exit 2, not ArgumentParser's 64",
          arguments: [
            ["lint"],
            ["lint", "--format", "xml", "site.policy"],
            ["lint", "--bogus", "site.policy"],
            ["compile"],
            ["explain", "site.policy", "--message", "[2,\"1\",\"Heartbeat\",{}]"],
            ["explain", "site.policy", "--from", "CP-1", "--backend", "ems", "--message", "[]"],
            ["explain", "site.policy", "--from", "CP-1"],
            ["replay", "site.policy"],
            ["replay", "site.policy", "capture.jsonl", "--format", "csv"],
            ["frobnicate"],
          ])
    func usageErrors(arguments: [String]) {
        #expect(status(arguments) == 2)
    }

    @Test("valid command lines parse", arguments: [
        ["lint", "a.policy", "b.policy", "--format", "sarif", "--strict", "--config", "gateway.yaml"],
        ["compile", "site.policy", "--tree"],
        ["explain", "site.policy", "--backend", "ems", "--charge-point", "CP-1", "--message", "[2,\"1\",\"Reset\",{}]",
         "--format", "json"],
        ["replay", "site.policy", "capture.jsonl", "--format", "json"],
    ])
    func validLines(arguments: [String]) {
        #expect(status(arguments) == 0)
    }

    @Test("help exits 0, findings exit 1, a tool's usage error exits 2")
    func otherErrors() {
        #expect(status(["--help"]) == 0)
        #expect(Chargemux.exitStatus(for: ExitCode(1)) == 1)
        #expect(Chargemux.exitStatus(for: UsageError("`--message` is not json")) == 2)
    }
}
