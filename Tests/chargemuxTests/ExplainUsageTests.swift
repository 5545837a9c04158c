import Testing
@testable import chargemux

@Suite("explain usage errors")
struct ExplainUsageTests {
    func explain(from: String? = "CP-1", backend: String? = nil, chargePoint: String? = nil, owner: String? = nil,
                 message: String = #"[2,"1","Heartbeat",{}]"#) -> ToolOutput {
        ExplainTool(path: Fixtures.linkingWorldPolicy, from: from, backend: backend, chargePoint: chargePoint,
                    message: message, owner: owner).run()
    }

    @Test("a frame that is not JSON, not a frame or not a call exits 2 with a clear message",
          arguments: [
            (#"[2,"1","#, "`--message` is not json: invalid json at byte"),
            (#"{"a":1}"#, "`--message` is not an ocpp-j frame: an ocpp-j frame is a json array"),
            (#"[3,"1",{}]"#, "`--message` must be a call `[2, \"id\", \"Action\", {...}]`, not message type 3"),
            (#"[2,"1","Heartbeat",[]]"#, "`--message` is not an ocpp-j frame: a call's payload must be an object"),
          ])
    func badFrames(message: String, expected: String) {
        let output = explain(message: message)
        #expect(output.status == .usage)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains(expected), "\(output.stderr)")
    }

    @Test("--from and --backend: exactly one, and --charge-point only with --backend")
    func directions() {
        #expect(explain(from: nil).stderr.contains("give `--from CP-ID`"))
        #expect(explain(from: nil).status == .usage)
        #expect(explain(backend: "ems").stderr.contains("not both"))
        #expect(explain(chargePoint: "CP-2").stderr.contains("`--charge-point` goes with `--backend`"))
    }

    @Test("unknown backends in --backend and --owner exit 2 with a hint")
    func unknownBackends() {
        let backend = explain(from: nil, backend: "flet")
        #expect(backend.status == .usage)
        #expect(backend.stderr == "`--backend`: unknown backend `flet`; did you mean `fleet`?\n")
        let owner = explain(owner: "nobody")
        #expect(owner.status == .usage)
        #expect(owner.stderr.contains("`--owner`: unknown backend `nobody`; the policy has `billing`, `fleet`, `visitors`, `ems`"))
    }

    @Test("a policy that does not compile exits 1")
    func brokenPolicy() throws {
        try Fixtures.withFiles(["typo.policy": LintToolTests.typo]) { folder in
            let output = ExplainTool(path: folder + "/typo.policy", from: "CP-1", message: #"[2,"1","Heartbeat",{}]"#).run()
            #expect(output.status == .findings)
            #expect(output.stderr.contains("error[E200]"))
        }
    }
}
