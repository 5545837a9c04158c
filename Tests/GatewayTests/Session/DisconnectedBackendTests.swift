import Gateway
import OCPP
import Testing

@Suite("session: disconnected backends")
struct DisconnectedBackendTests {
    static let policy = """
        policy "t" for ocpp 1.6
        primary billing
        route Authorize to billing, ems, audit
        allow all GetConfiguration
        """

    @Test("a disconnected copy target is skipped and logged; the answer is not delayed")
    func secondaryDown() throws {
        let h = try SessionHarness(Self.policy, connected: ["billing", "audit"])
        let call = h.cp(.call(id: "a1", action: "Authorize", payload: ["idTag": "T"]))
        #expect(call.backendsReached == ["billing", "audit"])
        #expect(call.records.first?.skipped == ["ems": "disconnected"])
        #expect(call.notDelivered.map(\.backend) == ["ems"])
        #expect(call.notDelivered.first?.payload == ["idTag": "T"])
        let answer = h.backend("billing", .callResult(id: "cmx-1", payload: ["idTagInfo": ["status": "Accepted"]]))
        #expect(answer.toChargePoint == [.callResult(id: "a1", payload: ["idTagInfo": ["status": "Accepted"]])])
    }

    @Test("a disconnected responder: the charge point gets an InternalError at once and no copy goes out")
    func responderDown() throws {
        let h = try SessionHarness(Self.policy, connected: ["ems", "audit"])
        let call = h.cp(.call(id: "a1", action: "Authorize", payload: ["idTag": "T"]))
        #expect(call.toChargePoint == [.callError(id: "a1", code: "InternalError", description: "responder `billing` is not connected",
                                                  details: [:])])
        #expect(call.backendsReached.isEmpty)
        #expect(call.notDelivered.isEmpty)
    }

    @Test("a responder that goes away mid-call fails the call; a copy that goes away does not")
    func disconnectMidCall() throws {
        let h = try SessionHarness(Self.policy)
        h.cp(.call(id: "a1", action: "Authorize", payload: ["idTag": "T"]))
        #expect(h.disconnect("ems").toChargePoint.isEmpty)
        let gone = h.disconnect("billing")
        #expect(gone.toChargePoint == [.callError(id: "a1", code: "InternalError",
                                                  description: "responder `billing` disconnected before answering", details: [:])])
        // the copy's late answer changes nothing
        #expect(h.backend("audit", .callResult(id: "cmx-3", payload: ["idTagInfo": ["status": "Accepted"]])).toChargePoint.isEmpty)
    }

    @Test("a backend's waiting calls are dropped when it disconnects; the others' still go out")
    func queuedCallsDropped() throws {
        let h = try SessionHarness(Self.policy)
        h.backend("audit", .call(id: "x1", action: "GetConfiguration", payload: [:]))
        h.backend("ems", .call(id: "e1", action: "GetConfiguration", payload: [:]))
        h.backend("audit", .call(id: "x2", action: "GetConfiguration", payload: [:]))
        h.disconnect("ems")
        // answer to audit's first call; audit's second goes out next, ems's is gone
        let next = h.cp(.callResult(id: "cmx-1", payload: [:]))
        #expect(next.to("audit") == [.callResult(id: "x1", payload: [:])])
        #expect(next.toChargePoint == [.call(id: "cmx-2", action: "GetConfiguration", payload: [:])])
    }
}

@Suite("session: calls held for a booting backend")
struct HeldCallTests {
    static let policy = """
        policy "t" for ocpp 1.6
        primary billing
        route BootNotification, StatusNotification to billing, ems
        redact info in StatusNotification for ems as drop
        """

    @Test("calls held while a backend boots are reported as not delivered when it disconnects")
    func heldThenDisconnected() throws {
        let h = try SessionHarness(Self.policy, connected: ["billing"])
        let boot = h.cp(.call(id: "b", action: "BootNotification", payload: Payloads.boot))
        h.backend("billing", .callResult(id: try #require(boot.to("billing").first?.messageId), payload: Payloads.bootAnswer("Accepted")))
        #expect(h.connect("ems").to("ems").count == 1)
        let status: JSONValue = ["connectorId": 1, "errorCode": "NoError", "info": "door open", "status": "Charging"]
        #expect(h.cp(.call(id: "s", action: "StatusNotification", payload: status)).to("ems").isEmpty)
        let gone = h.disconnect("ems")
        #expect(gone.notDelivered.map(\.backend) == ["ems"])
        #expect(gone.notDelivered.first?.action == "StatusNotification")
        #expect(gone.notDelivered.first?.payload == ["connectorId": 1, "errorCode": "NoError", "status": "Charging"])
        #expect(gone.toChargePoint.isEmpty)
    }
}
