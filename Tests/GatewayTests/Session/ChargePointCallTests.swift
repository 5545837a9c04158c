import Gateway
import OCPP
import Runtime
import Testing

@Suite("session: charge-point calls")
struct ChargePointCallTests {
    static let policy = """
        policy "t" for ocpp 1.6
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route StartTransaction, Authorize to owner
        route StartTransaction to ems
        route Heartbeat to gateway, ems
        route BootNotification to gateway
        route StatusNotification to gateway
        redact idTag for ems as owner
        """

    @Test("each target gets its own gateway id and its redacted copy; the charge point gets the responder's answer with its own id")
    func forwardsAndAnswersOnce() throws {
        let h = try SessionHarness(Self.policy)
        let sent = h.cp(.call(id: "cp-1", action: "StartTransaction", payload: Payloads.start("FLEET-0042")))
        #expect(sent.toChargePoint.isEmpty)
        #expect(sent.backendsReached == ["fleet", "ems"])
        let toFleet = try #require(sent.to("fleet").first)
        let toEms = try #require(sent.to("ems").first)
        #expect(toFleet == .call(id: "cmx-1", action: "StartTransaction", payload: Payloads.start("FLEET-0042")))
        #expect(toEms == .call(id: "cmx-2", action: "StartTransaction", payload: Payloads.start("fleet")))

        let copyAnswer = h.backend("ems", .callResult(id: "cmx-2", payload: Payloads.accepted(900)))
        #expect(copyAnswer.toChargePoint.isEmpty)
        #expect(copyAnswer.consumed.map(\.backend) == ["ems"])

        let answer = h.backend("fleet", .callResult(id: "cmx-1", payload: Payloads.accepted(7)))
        #expect(answer.toChargePoint == [.callResult(id: "cp-1", payload: Payloads.accepted(7))])
        #expect(answer.consumed.isEmpty)
        // a second answer on the same leg is ignored, never a second answer to the charge point
        let again = h.backend("fleet", .callResult(id: "cmx-1", payload: Payloads.accepted(7)))
        #expect(again.toChargePoint.isEmpty)
        #expect(again.ignored.count == 1)
    }

    @Test("the responder's CALLERROR reaches the charge point with the charge point's id")
    func responderErrorForwarded() throws {
        let h = try SessionHarness(Self.policy)
        h.cp(.call(id: "a-9", action: "Authorize", payload: ["idTag": "EMP-1"]))
        let answer = h.backend("billing", .callError(id: "cmx-1", code: "InternalError", description: "db down", details: [:]))
        #expect(answer.toChargePoint == [.callError(id: "a-9", code: "InternalError", description: "db down", details: [:])])
    }

    @Test("a responder's result that breaks the schema reaches the charge point as an InternalError")
    func malformedResponderResult() throws {
        let h = try SessionHarness(Self.policy)
        h.cp(.call(id: "a-1", action: "Authorize", payload: ["idTag": "EMP-1"]))
        let answer = h.backend("billing", .callResult(id: "cmx-1", payload: ["idTagInfo": ["status": "Maybe"]]))
        guard case .callError("a-1", "InternalError", let description, _)? = answer.toChargePoint.first else {
            Issue.record("no InternalError: \(answer.all)")
            return
        }
        #expect(description.hasPrefix("responder `billing` answered with a payload that breaks the schema: "))
        #expect(answer.ignored.count == 1)
    }

    @Test("Heartbeat to gateway: answered locally with the current time, and a copy still goes to the other target")
    func gatewayAnswersHeartbeat() throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.cp(.call(id: "hb-1", action: "Heartbeat", payload: [:]))
        #expect(effects.toChargePoint == [.callResult(id: "hb-1", payload: ["currentTime": "2027-01-15T08:00:00Z"])])
        #expect(effects.to("ems") == [.call(id: "cmx-1", action: "Heartbeat", payload: [:])])
        #expect(effects.records.first?.verdict == .answeredByGateway)
        let late = h.backend("ems", .callResult(id: "cmx-1", payload: ["currentTime": "2027-01-15T08:00:01Z"]))
        #expect(late.toChargePoint.isEmpty)
        #expect(late.consumed.count == 1)
    }

    @Test("BootNotification to gateway: Accepted with the configured interval; StatusNotification: {}")
    func gatewayAnswersBootAndEmpty() throws {
        let h = try SessionHarness(Self.policy)
        let boot = h.cp(.call(id: "b-1", action: "BootNotification", payload: Payloads.boot))
        #expect(boot.toChargePoint == [.callResult(id: "b-1", payload: ["status": "Accepted", "currentTime": "2027-01-15T08:00:00Z",
                                                                          "interval": 120])])
        #expect(boot.backendsReached.isEmpty)
        let status = h.cp(.call(id: "s-1", action: "StatusNotification", payload: Payloads.status(1)))
        #expect(status.toChargePoint == [.callResult(id: "s-1", payload: [:])])
    }

    @Test("a call no rule routes is rejected with the policy's code and a short description")
    func rejectedByPolicy() throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.cp(.call(id: "d-1", action: "DataTransfer", payload: ["vendorId": "x"]))
        guard case .callError(let id, let code, let description, _)? = effects.toChargePoint.first else {
            Issue.record("no CALLERROR: \(effects.all)")
            return
        }
        #expect(id == "d-1")
        #expect(code == "NotSupported")
        #expect(description == "no rule of policy `t` routes `DataTransfer`")
        #expect(description.count <= 255)
        #expect(effects.backendsReached.isEmpty)
    }

    @Test("RFC 3339 times are UTC with whole seconds")
    func rfc3339() {
        #expect(RFC3339Time.string(1_800_000_000) == "2027-01-15T08:00:00Z")
        #expect(RFC3339Time.string(0) == "1970-01-01T00:00:00Z")
        #expect(RFC3339Time.string(951_782_400.9) == "2000-02-29T00:00:00Z")
    }
}
