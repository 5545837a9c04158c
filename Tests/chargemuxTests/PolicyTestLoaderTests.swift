import Foundation
import Runtime
import Testing
@testable import chargemux

/// Mistakes in test files are reported as `FILE:LINE:COL: error: ...` with a fix.
@Suite("chargemux test: test file errors")
struct PolicyTestLoaderTests {
    static func policy() throws -> CompiledPolicy { try TestSupport.compile(path: TestSupport.linkingWorldPolicy) }

    @Test("malformed yaml reports file, line and column")
    func malformedYAML() throws {
        let problems = TestSupport.problems("""
            cases:
              - name: x
               from: CP-1
            """, policy: try Self.policy(), file: "site.tests.yaml")
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect((problem.line, problem.column) == (3, 4))
        #expect(problem.rendered.hasPrefix("site.tests.yaml:3:4: error: invalid yaml: "))
        #expect(problem.rendered.contains("\n  help: check the indentation"))
    }

    @Test("an unclosed flow sequence is a yaml error with its position")
    func unclosedFlow() throws {
        let problems = TestSupport.problems("""
            cases:
              - name: x
                from: CP-1
                message: [2, "1", "Heartbeat", {}
            """, policy: try Self.policy())
        let problem = try #require(problems.first)
        #expect(problem.rendered.hasPrefix("t.yaml:"))
        #expect(problem.line >= 4)
        #expect(problem.message.hasPrefix("invalid yaml"))
    }

    @Test("unknown keys, with the nearest known key")
    func unknownKeys() throws {
        let problems = TestSupport.problems("""
            cases:
              - name: x
                from: CP-1
                mesage: [2, "1", "Heartbeat", {}]
                expect: { responer: gateway }
            """, policy: try Self.policy())
        #expect(problems.map(\.rendered) == [
            "t.yaml:2:5: error: a case needs `message:`\n  help: add the OCPP-J call, e.g. `message: [2, \"1\", \"Heartbeat\", {}]`\n",
            "t.yaml:4:5: error: unknown key `mesage` in a case\n  help: did you mean `message`?\n",
            "t.yaml:5:15: error: unknown key `responer` in `expect`\n  help: did you mean `responder`?\n",
        ])
    }

    @Test("wrong types, unknown backends and the gateway as a target")
    func valuesAndBackends() throws {
        let problems = TestSupport.problems("""
            cases:
              - name: x
                from: CP-1
                transactionOwner: flet
                message: [2, "1", "Heartbeat", {}]
                expect: { targets: [billing, gateway], responder: biling, owner: 7, outcome: maybe }
            """, policy: try Self.policy())
        #expect(problems.map { "\($0.line):\($0.column) \($0.message)" } == [
            "4:23 `transactionOwner` names `flet`, which is not a backend of the policy",
            "6:34 `gateway` is not a backend and never gets a copy",
            "6:55 `responder` must be a backend, `gateway` or `none`, found the text `biling`",
            "6:70 `owner` names `7`, which is not a backend of the policy",
            "6:82 `outcome` must be `forward`, `gateway` or `reject`, found the text `maybe`",
        ])
        #expect(problems[0].help == "did you mean `fleet`?")
        #expect(problems[2].help == "did you mean `billing`?")
    }

    @Test("frames: not a call, unknown action, wrong sender, schema violations")
    func frames() throws {
        let problems = TestSupport.problems("""
            cases:
              - name: result
                from: CP-1
                message: [3, "1", {}]
                expect: { targets: [] }
              - name: typo
                from: CP-1
                message: [2, "1", "StartTransation", {}]
                expect: { targets: [] }
              - name: direction
                from: CP-1
                message: [2, "1", "Reset", {"type": "Hard"}]
                expect: { targets: [] }
              - name: schema
                from: CP-1
                message: '[2, "1", "Authorize", {"idTag": "THIS-ID-TAG-IS-FAR-TOO-LONG"}]'
                expect: { targets: [] }
            """, policy: try Self.policy())
        #expect(problems.map { "\($0.line):\($0.column) \($0.message)" } == [
            "4:14 `message` must be a call (`[2, ...]`), not a call result or error",
            "8:14 unknown action `StartTransation` for ocpp 1.6",
            "12:14 charge points do not send `Reset`; backends do",
            "16:14 the `Authorize` payload breaks the ocpp 1.6 schema: `idTag` is 27 characters; the maximum is 20 (PropertyConstraintViolation)",
        ])
        #expect(problems[1].help == "did you mean `StartTransaction`?")
    }

    @Test("rule citations that name no rule")
    func ruleCitations() throws {
        let problems = TestSupport.problems("""
            cases:
              - name: x
                backend: ems
                chargePoint: CP-1
                message: [2, "1", "Reset", {"type": "Hard"}]
                expect: { rule: "site.policy:21", rules: ["other.policy:26", "no-such-rule"] }
            """, policy: try Self.policy())
        #expect(problems.map(\.message) == [
            "`site.policy:21` names no rule: no rule starts on line 21",
            "rule `other.policy:26` is not in the policy under test",
            "`no-such-rule` names no rule",
        ])
        #expect(problems[0].help?.hasPrefix("the nearest rule starts on line 22") == true)
    }

    @Test("cases need a unique name, a sender, a non-empty expect that fits the sender")
    func caseShape() throws {
        let problems = TestSupport.problems("""
            cases:
              - name: same
                from: CP-1
                message: [2, "1", "Heartbeat", {}]
                expect: { allowed: true }
              - name: same
                message: [2, "1", "Heartbeat", {}]
                expect: {}
              - name: both
                from: CP-1
                backend: ems
                message: [2, "1", "Heartbeat", {}]
                expect: { outcome: gateway, error: NotSupported }
            """, policy: try Self.policy())
        #expect(problems.map { "\($0.line): \($0.message)" } == [
            "5: `expect.allowed` does not apply to this case",
            "6: a case needs a sender",
            "6: case name `same` is already used at line 2",
            "8: `expect` is empty",
            "11: a case has either `from` (a charge point's call) or `backend` (a backend's call), not both",
            "13: `error` expects a CALLERROR, but `outcome` is `gateway`",
        ])
    }

    @Test("a policy with `now` rules needs a fixed `now`")
    func clockRequired() throws {
        let policy = try TestSupport.compile(text: """
            policy "t" for ocpp 1.6
            route Heartbeat to gateway
            route Heartbeat to audit when now < "2027-01-31T00:00:00Z"
            """)
        let problems = TestSupport.problems("""
            cases:
              - name: no clock
                from: CP-1
                message: [2, "h", "Heartbeat", {}]
                expect: { targets: [audit] }
              - name: bad clock
                now: tomorrow
                from: CP-1
                message: [2, "h", "Heartbeat", {}]
                expect: { targets: [audit] }
            """, policy: policy)
        #expect(problems.map(\.message) == [
            "the policy has time-bounded rules (`now`), but case `no clock` has no `now:`",
            "`now` must be an RFC 3339 date-time, found the text `tomorrow`",
        ])
    }

    @Test("an empty file and a file without cases")
    func emptyFiles() throws {
        let policy = try Self.policy()
        #expect(TestSupport.problems("", policy: policy).map(\.message) == ["the test file is empty"])
        #expect(TestSupport.problems("tests: []", policy: policy).map(\.message) == [
            "unknown key `tests` in the test file", "the test file has no `cases:`",
        ])
    }
}
