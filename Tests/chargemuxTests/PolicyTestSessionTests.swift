import Foundation
import OCPP
import Testing
@testable import chargemux

/// `chargemux test` end to end: output, the summary line CI reads, formats and exit status.
@Suite("chargemux test: command")
struct PolicyTestSessionTests {
    static let twoCases = """
        cases:
          - name: heartbeat
            from: CP-1
            message: [2, "h", "Heartbeat", {}]
            expect: { responder: gateway }
          - name: wrong responder
            from: CP-1
            message: [2, "a", "Authorize", {"idTag": "EMP-00042"}]
            expect: { responder: fleet }
        """

    /// Whether `line` is exactly `N passed, M failed`.
    static func isSummary(_ line: Substring?) -> Bool {
        guard let line else { return false }
        return line.wholeMatch(of: /[0-9]+ passed, [0-9]+ failed/) != nil
    }

    func run(_ yaml: String, policy: String = TestSupport.linkingWorldPolicy, options: PolicyTestOptions = PolicyTestOptions())
        throws -> CommandOutput
    {
        PolicyTestSession.run(policyPath: policy, testsPath: try TestSupport.temporaryFile(yaml), options: options)
    }

    @Test("failures first, then passing cases, then exactly `N passed, M failed`; exit 1")
    func textOutput() throws {
        let output = try run(Self.twoCases)
        #expect(output.exitCode == 1)
        let lines = output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("FAIL wrong responder (") == true)
        #expect(lines.first?.hasSuffix("site.tests.yaml:6)") == true)
        #expect(lines[1] == "  responder: expected fleet, got billing (by site.policy:17)")
        #expect(lines[2] == "ok   heartbeat")
        #expect(lines[3] == "1 passed, 1 failed")
        #expect(lines.count == 5 && lines[4].isEmpty)
        #expect(Self.isSummary(lines[3]))
        #expect(output.standardError.isEmpty)
    }

    @Test("--quiet prints only failures and the summary")
    func quiet() throws {
        let output = try run(Self.twoCases, options: PolicyTestOptions(quiet: true))
        #expect(!output.standardOutput.contains("ok   "))
        #expect(output.standardOutput.hasSuffix("\n1 passed, 1 failed\n"))
    }

    @Test("all passing exits 0; --coverage comes before the summary line")
    func passingWithCoverage() throws {
        let output = try run("""
            cases:
              - name: heartbeat
                from: CP-1
                message: [2, "h", "Heartbeat", {}]
                expect: { responder: gateway }
            """, options: PolicyTestOptions(coverage: true))
        #expect(output.exitCode == 0)
        let lines = output.standardOutput.split(separator: "\n")
        #expect(lines.contains("coverage: 14 of 15 rules not exercised:"))
        #expect(lines.last == "1 passed, 0 failed")
    }

    @Test("--format json prints one json document; the summary line goes to standard error")
    func json() throws {
        let output = try run(Self.twoCases, options: PolicyTestOptions(coverage: true, format: .json))
        #expect(output.exitCode == 1)
        let document = try JSONValue(parsing: output.standardOutput)
        #expect(document["passed"] == .integer(1))
        #expect(document["failed"] == .integer(1))
        let cases = try #require(document["cases"]?.arrayValue)
        #expect(cases.map { $0["name"]?.stringValue } == ["heartbeat", "wrong responder"])
        #expect(cases[1]["mismatches"]?.arrayValue?.first?["field"] == "responder")
        #expect(document["coverage"]?["rules"] == .integer(15))
        #expect(output.standardError == "1 passed, 1 failed\n")
    }

    @Test("mistakes in the test file: positioned errors on standard error, exit 2, no case runs")
    func testFileErrors() throws {
        let output = try run("""
            cases:
              - name: typo
                from: CP-1
                message: [2, "1", "Heartbeat", {}]
                expect: { targets: [fleat] }
            """)
        #expect(output.exitCode == 2)
        #expect(output.standardError.contains("site.tests.yaml:5:25: error: `targets` names `fleat`, which is not a backend of the policy\n  help: did you mean `fleet`?\n"))
        #expect(output.standardError.hasSuffix("\n1 error in `\(output.standardError.prefix { $0 != ":" })`; no case ran\n"))
        #expect(output.standardOutput == "0 passed, 0 failed\n")
    }

    @Test("a policy that does not compile prints its diagnostics and exits 1")
    func policyErrors() throws {
        let policy = try TestSupport.temporaryFile("""
            policy "broken" for ocpp 1.6
            route StartTransation to billing
            """, name: "site.policy")
        let output = try run(Self.twoCases, policy: policy)
        #expect(output.exitCode == 1)
        #expect(output.standardError.contains("site.policy:2:7: error[E200]: unknown action `StartTransation` for ocpp 1.6"))
        #expect(output.standardError.contains("help: did you mean `StartTransaction`?"))
        #expect(output.standardOutput == "0 passed, 0 failed\n")
    }

    @Test("an unreadable test file is an error with exit 2")
    func missingTestFile() {
        let output = PolicyTestSession.run(policyPath: TestSupport.linkingWorldPolicy, testsPath: "/nonexistent/site.tests.yaml",
                                           options: PolicyTestOptions())
        #expect(output.exitCode == 2)
        #expect(output.standardError.hasPrefix("/nonexistent/site.tests.yaml: error: cannot read test file"))
    }

    @Test("the summary line has exactly the form `N passed, M failed`")
    func summaryLine() {
        #expect(PolicyTestReport.summaryLine(passed: 0, failed: 0) == "0 passed, 0 failed")
        #expect(PolicyTestReport.summaryLine(passed: 31, failed: 1) == "31 passed, 1 failed")
        #expect(Self.isSummary("12 passed, 0 failed"))
    }
}
