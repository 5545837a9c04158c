import PolicyLang
import Runtime

/// What `chargemux test` prints and its exit status, produced without touching the terminal so
/// tests can check it.
struct CommandOutput: Sendable, Equatable {
    var standardOutput = ""
    var standardError = ""
    var exitCode: Int32 = 0
}

/// Options of `chargemux test`.
struct PolicyTestOptions: Sendable {
    var coverage = false
    /// The key for `hash` redactions; `nil` uses ``PolicyTestSession/defaultHashKey``.
    var hashKey: String?
    var format: PolicyTestOutputFormat = .text
    var quiet = false
}

/// Compiles a policy, loads its test file and runs every case.
///
/// Exit status: 0 when every case passed, 1 when a case failed or the policy does not compile,
/// 2 when the test file has mistakes (then no case runs).
enum PolicyTestSession {
    /// The hash key when `--hash-key` is not given, so expected pseudonyms in test files are stable.
    /// It is public knowledge: never use it as a gateway's `redaction.hashKey`.
    static let defaultHashKey = "chargemux-policy-tests"

    /// Everything `chargemux test POLICY TESTS` does, as text and an exit status.
    static func run(policyPath: String, testsPath: String, options: PolicyTestOptions) -> CommandOutput {
        var output = CommandOutput()
        let compilation = PolicyPipeline.compile(path: policyPath)
        guard let policy = compilation.compiled, !compilation.hasErrors else {
            let renderer = DiagnosticRenderer(sources: [compilation.source])
            output.standardError = renderer.render(compilation.diagnostics) + "\n"
                + "error: policy `\(policyPath)` does not compile (\(compilation.diagnostics.summary)); no case ran\n"
            output.standardOutput = PolicyTestReport.summaryLine(passed: 0, failed: 0) + "\n"
            output.exitCode = 1
            return output
        }
        let suite: PolicyTestSuite
        switch PolicyTestLoader.load(path: testsPath, policy: policy) {
        case .success(let loaded):
            suite = loaded
        case .failure(let failure):
            let problems = failure.problems
            let count = problems.count == 1 ? "1 error" : "\(problems.count) errors"
            output.standardError = problems.map(\.rendered).joined() + "\(count) in `\(testsPath)`; no case ran\n"
            output.standardOutput = PolicyTestReport.summaryLine(passed: 0, failed: 0) + "\n"
            output.exitCode = 2
            return output
        }
        let runner = PolicyTestRunner(policy: policy, hashKey: Array((options.hashKey ?? defaultHashKey).utf8))
        let results = runner.run(suite)
        let report = PolicyTestReport(
            testsFile: testsPath, results: results,
            unexercised: options.coverage ? RuleCoverage.unexercised(rules: policy.rules, results: results) : nil,
            ruleCount: policy.rules.count, quiet: options.quiet)
        switch options.format {
        case .text:
            output.standardOutput = report.text
        case .json:
            output.standardOutput = report.json
            output.standardError = report.summaryLine + "\n"
        }
        output.exitCode = report.failedCount > 0 ? 1 : 0
        return output
    }
}
