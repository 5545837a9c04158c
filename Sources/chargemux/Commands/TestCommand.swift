import ArgumentParser
import Foundation

extension PolicyTestOutputFormat: ExpressibleByArgument {}

/// `chargemux test POLICY TESTS.yaml`: runs a site's policy unit tests (docs/policy-tests.md).
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run policy unit tests: messages and the decisions the policy should make for them.",
        discussion: """
            Prints each failing case with what was expected and what the policy decided, then the \
            passing cases, and always ends with the line `N passed, M failed`. Exit status: 0 when \
            every case passed, 1 when a case failed or the policy does not compile, 2 when the test \
            file has mistakes. The format of test files is in docs/policy-tests.md.
            """)

    @Argument(help: "The policy file.")
    var policy: String

    @Argument(help: "The test file (YAML).")
    var tests: String

    @Flag(help: "Also list the rules that no case exercised.")
    var coverage = false

    @Option(help: "The key for `hash` redactions (default: the fixed test key `\(PolicyTestSession.defaultHashKey)`).")
    var hashKey: String?

    @Option(help: "Output format: text or json (json prints the summary line on standard error).")
    var format: PolicyTestOutputFormat = .text

    @Flag(help: "Print only failing cases and the summary.")
    var quiet = false

    func validate() throws {
        if let hashKey, hashKey.isEmpty { throw ValidationError("--hash-key must not be empty") }
    }

    func run() throws {
        let options = PolicyTestOptions(coverage: coverage, hashKey: hashKey, format: format, quiet: quiet)
        let output = PolicyTestSession.run(policyPath: policy, testsPath: tests, options: options)
        // The summary line `N passed, M failed` comes last: it is on standard output in text
        // format and on standard error in json format.
        let streams = [(FileHandle.standardError, output.standardError), (FileHandle.standardOutput, output.standardOutput)]
        for (handle, text) in format == .json ? streams.reversed() : streams { handle.write(Data(text.utf8)) }
        if output.exitCode != 0 { throw ExitCode(output.exitCode) }
    }
}
