import Foundation
import Runtime
import Testing
@testable import chargemux

/// The runner and the report: failing cases say what was expected and what the policy decided.
@Suite("chargemux test: runner and report")
struct PolicyTestRunnerTests {
    static let fleetStart = """
        [2, "1", "StartTransaction", {"connectorId": 1, "idTag": "FLEET-0042", "meterStart": 0, "timestamp": "2026-03-01T08:00:00Z"}]
        """

    func run(_ yaml: String, policy: CompiledPolicy, hashKey: String = PolicyTestSession.defaultHashKey) throws -> [CaseResult] {
        let suite = try TestSupport.suite(yaml, policy: policy)
        return PolicyTestRunner(policy: policy, hashKey: Array(hashKey.utf8)).run(suite)
    }

    @Test("a case that should fail fails, with expected and actual per field")
    func failingCaseShowsExpectedAndActual() throws {
        let policy = try TestSupport.compile(path: TestSupport.linkingWorldPolicy)
        let results = try run("""
            cases:
              - name: fleet car starts a transaction
                from: CP-1
                message: \(Self.fleetStart)
                expect:
                  targets: [billing, ems]
                  responder: billing
                  owner: visitors
                  rules: ["site.policy:17"]
            """, policy: policy)
        let result = try #require(results.first)
        #expect(!result.passed)
        #expect(result.mismatches.map(\.description) == [
            "targets: expected [billing, ems], got [ems, fleet]",
            "responder: expected billing, got fleet (by site.policy:17)",
            "owner: expected visitors, got fleet (by site.policy:10)",
            "rules: expected [site.policy:17], got [site.policy:10, site.policy:17, site.policy:18]",
        ])
        let report = PolicyTestReport(testsFile: "site.tests.yaml", results: results, unexercised: nil, ruleCount: 15)
        #expect(report.text == """
            FAIL fleet car starts a transaction (site.tests.yaml:2)
              targets: expected [billing, ems], got [ems, fleet]
              responder: expected billing, got fleet (by site.policy:17)
              owner: expected visitors, got fleet (by site.policy:10)
              rules: expected [site.policy:17], got [site.policy:10, site.policy:17, site.policy:18]
            0 passed, 1 failed

            """)
    }

    @Test("the same case with the right expectations passes")
    func passingCase() throws {
        let policy = try TestSupport.compile(path: TestSupport.linkingWorldPolicy)
        let results = try run("""
            cases:
              - name: fleet car starts a transaction
                from: CP-1
                message: \(Self.fleetStart)
                expect:
                  targets: [ems, fleet]
                  responder: fleet
                  outcome: forward
                  owner: fleet
                  redacted: { ems: { idTag: fleet }, fleet: {} }
                  rules: ["site.policy:10", "site.policy:17", "site.policy:18"]
            """, policy: policy)
        #expect(results.map(\.passed) == [true])
    }

    @Test("rejections show the CALLERROR code and the reason")
    func rejection() throws {
        let policy = try TestSupport.compile(path: TestSupport.linkingWorldPolicy)
        let results = try run("""
            cases:
              - name: other vendor
                from: CP-1
                message: [2, "d", "DataTransfer", {"vendorId": "com.other"}]
                expect: { error: NotImplemented, responder: fleet }
              - name: other vendor, forwarded
                from: CP-1
                message: [2, "d", "DataTransfer", {"vendorId": "com.other"}]
                expect: { outcome: forward }
            """, policy: policy)
        #expect(results[0].mismatches.map(\.description) == [
            "responder: expected fleet, got none",
            "error: expected NotImplemented, got NotSupported (no rule of policy `linking-world` routes `DataTransfer`)",
        ])
        #expect(results[1].mismatches.map(\.description) == [
            "outcome: expected forward, got reject (NotSupported: no rule of policy `linking-world` routes `DataTransfer`)",
        ])
    }

    @Test("backend calls: allowed, the deciding rule and the default deny")
    func backendCalls() throws {
        let policy = try TestSupport.compile(path: TestSupport.linkingWorldPolicy)
        let results = try run("""
            cases:
              - name: ems stops
                backend: ems
                chargePoint: CP-1
                message: [2, "9", "RemoteStopTransaction", {"transactionId": 7}]
                expect: { allowed: true, rule: "site.policy:22" }
              - name: fleet on a public charge point
                backend: fleet
                chargePoint: CP-1
                message: [2, "9", "RemoteStartTransaction", {"idTag": "FLEET-1"}]
                expect: { allowed: true, rule: "site.policy:24" }
            """, policy: policy)
        #expect(results[0].mismatches.map(\.description) == [
            "allowed: expected true, got false (by site.policy:26)",
            "rule: expected site.policy:22, got site.policy:26",
        ])
        #expect(results[1].mismatches.map(\.description) == [
            "allowed: expected true, got false (by none (default deny))",
            "rule: expected site.policy:24, got none (default deny)",
        ])
    }

    @Test("redaction mismatches name the field, `~dropped`, and fields redacted but not listed")
    func redactionMismatches() throws {
        let policy = try TestSupport.compile(path: TestSupport.linkingWorldPolicy)
        let results = try run("""
            cases:
              - name: boot
                from: CP-1
                message: [2, "b", "BootNotification", {"chargePointVendor": "V", "chargePointModel": "M", "iccid": "89490200001", "imsi": "26201"}]
                expect:
                  redacted:
                    ems: { iccid: "89490200001" }
                    billing: { iccid: ~dropped }
                    visitors: [iccid]
                    fleet: {}
            """, policy: policy)
        #expect(results[0].mismatches.map(\.description) == [
            "redacted.ems.iccid: expected \"89490200001\", got ~dropped",
            "redacted.ems: expected only [iccid] redacted, got [iccid, imsi] redacted",
            "redacted.billing.iccid: expected ~dropped, got \"89490200001\"",
            "redacted.visitors: expected [iccid], got [iccid, imsi]",
        ])
    }

    @Test("a backend that gets no copy fails its `redacted` check")
    func redactedForNonTarget() throws {
        let policy = try TestSupport.compile(path: TestSupport.linkingWorldPolicy)
        let results = try run("""
            cases:
              - name: authorize
                from: CP-1
                message: [2, "a", "Authorize", {"idTag": "FLEET-1"}]
                expect: { redacted: { ems: {} } }
            """, policy: policy)
        #expect(results[0].mismatches.map(\.description) == ["redacted.ems: expected a copy for ems, got ems is not a target"])
    }

    @Test("hash pseudonyms depend on the key: the default test key unless --hash-key")
    func hashKey() throws {
        let policy = try TestSupport.compile(text: """
            policy "t" for ocpp 1.6
            route Authorize to hems
            redact idTag for hems as hash
            """)
        let yaml = """
            cases:
              - name: pseudonym
                from: CP-1
                message: [2, "a", "Authorize", {"idTag": "abc-123"}]
                expect: { redacted: { hems: { idTag: "PSEUDONYM" } } }
            """
        // HMAC-SHA256 of "ABC-123" (a CiString: upper-cased first) keyed with `chargemux-policy-tests`,
        // upper-case hex cut to 20 digits (CiString20), computed independently with Python's hmac.
        let expected = "7C4AFB4D9F876FCA97ED"
        #expect(Redactor(hashKey: Array(PolicyTestSession.defaultHashKey.utf8))
            .pseudonym("abc-123", caseInsensitive: true, maxLength: 20) == expected)
        let withDefault = try run(yaml.replacingOccurrences(of: "PSEUDONYM", with: expected), policy: policy)
        #expect(withDefault[0].passed)
        let withOtherKey = try run(yaml.replacingOccurrences(of: "PSEUDONYM", with: expected), policy: policy,
                                   hashKey: "another-key-0123456789")
        #expect(!withOtherKey[0].passed)
    }

    @Test("coverage lists the rules no case exercised, by location, kind and text")
    func coverage() throws {
        let policy = try TestSupport.compile(path: TestSupport.linkingWorldPolicy)
        let results = try run("""
            cases:
              - name: heartbeat
                from: CP-1
                message: [2, "h", "Heartbeat", {}]
                expect: { responder: gateway }
            """, policy: policy)
        let unexercised = RuleCoverage.unexercised(rules: policy.rules, results: results)
        #expect(unexercised.count == policy.rules.count - 1)
        #expect(!unexercised.contains { $0.line == 16 })
        let report = PolicyTestReport(testsFile: "t.yaml", results: results, unexercised: unexercised,
                                      ruleCount: policy.rules.count)
        #expect(report.text.contains("coverage: 14 of 15 rules not exercised:\n"))
        #expect(report.text.contains("  site.policy:19  route   route DataTransfer to fleet when vendorId == \"com.fleetco\" answered by fleet\n"))
        #expect(report.text.hasSuffix("1 passed, 0 failed\n"))
    }

    @Test("`now` fixes the clock of time-bounded rules")
    func fixedClock() throws {
        let policy = try TestSupport.compile(text: """
            policy "t" for ocpp 1.6
            route Heartbeat to gateway
            route Heartbeat to audit when now < "2027-01-31T00:00:00Z"
            """)
        let results = try run("""
            now: "2027-01-01T00:00:00Z"
            cases:
              - name: inside
                from: CP-1
                message: [2, "h", "Heartbeat", {}]
                expect: { targets: [audit] }
              - name: at the end
                now: 2027-01-31T00:00:00Z
                from: CP-1
                message: [2, "h", "Heartbeat", {}]
                expect: { targets: [] }
            """, policy: policy)
        #expect(results.map(\.passed) == [true, true])
    }
}
