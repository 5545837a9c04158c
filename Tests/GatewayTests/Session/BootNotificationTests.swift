import Gateway
import OCPP
import Testing

@Suite("session: BootNotification and registration")
struct BootNotificationTests {
    static let policy = """
        policy "t" for ocpp 1.6
        primary billing
        route BootNotification, StatusNotification to all
        allow all GetConfiguration, RemoteStartTransaction, TriggerMessage
        redact chargeBoxSerialNumber in BootNotification for ems as drop
        """

    /// Boots with billing only connected and accepting.
    func boot(_ h: SessionHarness) throws {
        let boot = h.cp(.call(id: "boot", action: "BootNotification", payload: Payloads.boot))
        let leg = try #require(boot.to("billing").first?.messageId)
        let answer = h.backend("billing", .callResult(id: leg, payload: Payloads.bootAnswer("Accepted")))
        #expect(answer.toChargePoint == [.callResult(id: "boot", payload: Payloads.bootAnswer("Accepted"))])
    }

    @Test("a backend that connects later gets the cached boot first, with a fresh id; its answer is consumed")
    func replayOnConnect() throws {
        let h = try SessionHarness(Self.policy, connected: ["billing"])
        try boot(h)
        let connected = h.connect("ems")
        #expect(connected.to("ems") == [.call(id: "cmx-2", action: "BootNotification",
                                              payload: ["chargePointVendor": "Vendor", "chargePointModel": "Model"])])
        // until ems answers, what the charge point sends waits for it
        let status = h.cp(.call(id: "st", action: "StatusNotification", payload: Payloads.status(1, "Available")))
        #expect(status.to("billing").count == 1)
        #expect(status.to("ems").isEmpty)
        let accepted = h.backend("ems", .callResult(id: "cmx-2", payload: Payloads.bootAnswer("Accepted")))
        #expect(accepted.toChargePoint.isEmpty)
        #expect(accepted.consumed.map(\.backend) == ["ems"])
        #expect(accepted.to("ems") == [.call(id: "cmx-4", action: "StatusNotification", payload: Payloads.status(1, "Available"))])
        // and after that, calls flow directly
        let next = h.cp(.call(id: "st2", action: "StatusNotification", payload: Payloads.status(1, "Preparing")))
        #expect(next.to("ems").count == 1)
    }

    @Test("no cached boot: a connecting backend gets nothing and calls flow")
    func noBootNoReplay() throws {
        let h = try SessionHarness(Self.policy, connected: ["billing"])
        #expect(h.connect("ems").all.isEmpty)
        #expect(h.cp(.call(id: "st", action: "StatusNotification", payload: Payloads.status(1))).to("ems").count == 1)
    }

    @Test("Pending: the backend gets nothing unsolicited, its own GetConfiguration passes, the boot is re-sent after its interval")
    func pendingBackend() throws {
        let h = try SessionHarness(Self.policy, connected: ["billing"])
        try boot(h)
        h.connect("ems")
        h.backend("ems", .callResult(id: "cmx-2", payload: Payloads.bootAnswer("Pending", interval: 60)))

        let status = h.cp(.call(id: "st", action: "StatusNotification", payload: Payloads.status(1)))
        #expect(status.backendsReached == ["billing"])
        #expect(status.records.first?.skipped == ["ems": "Pending"])

        let get = h.backend("ems", .call(id: "g", action: "GetConfiguration", payload: [:]))
        #expect(get.toChargePoint.map(\.messageId) == ["cmx-4"])
        let remote = h.backend("ems", .call(id: "r", action: "RemoteStartTransaction", payload: ["idTag": "X"]))
        #expect(remote.toChargePoint.isEmpty)
        guard case .callError("r", "GenericError", let description, _)? = remote.to("ems").first else {
            Issue.record("no refusal: \(remote.all)")
            return
        }
        #expect(description.contains("Pending"))
        #expect(h.cp(.callResult(id: "cmx-4", payload: ["configurationKey": []])).to("ems") == [.callResult(id: "g", payload: ["configurationKey": []])])

        #expect(h.advance(59).to("ems").isEmpty)
        let retry = h.advance(1)
        let leg = try #require(retry.to("ems").first)
        #expect(leg.messageId == "cmx-5")
        guard case .call(_, "BootNotification", _) = leg else {
            Issue.record("not a boot: \(leg)")
            return
        }
        h.backend("ems", .callResult(id: "cmx-5", payload: Payloads.bootAnswer("Accepted")))
        #expect(h.cp(.call(id: "st2", action: "StatusNotification", payload: Payloads.status(1))).backendsReached == ["billing", "ems"])
    }

    @Test("Pending: a message the backend triggers reaches it, once")
    func pendingTrigger() throws {
        let h = try SessionHarness(Self.policy, connected: ["billing"])
        try boot(h)
        h.connect("ems")
        h.backend("ems", .callResult(id: "cmx-2", payload: Payloads.bootAnswer("Pending", interval: 60)))
        let trigger = h.backend("ems", .call(id: "t", action: "TriggerMessage", payload: ["requestedMessage": "StatusNotification", "connectorId": 1]))
        #expect(trigger.toChargePoint == [.call(id: "cmx-3", action: "TriggerMessage",
                                                payload: ["requestedMessage": "StatusNotification", "connectorId": 1])])
        #expect(h.cp(.callResult(id: "cmx-3", payload: ["status": "Accepted"])).to("ems") == [.callResult(id: "t", payload: ["status": "Accepted"])])
        let triggered = h.cp(.call(id: "st", action: "StatusNotification", payload: Payloads.status(1)))
        #expect(triggered.backendsReached == ["billing", "ems"])
        let unsolicited = h.cp(.call(id: "st2", action: "StatusNotification", payload: Payloads.status(1)))
        #expect(unsolicited.backendsReached == ["billing"])
    }

    @Test("Rejected: the backend gets nothing and its calls are refused, while the others carry on")
    func rejectedBackend() throws {
        let h = try SessionHarness(Self.policy, connected: ["billing"])
        try boot(h)
        h.connect("ems")
        h.backend("ems", .callResult(id: "cmx-2", payload: Payloads.bootAnswer("Rejected", interval: 600)))
        let status = h.cp(.call(id: "st", action: "StatusNotification", payload: Payloads.status(1)))
        #expect(status.backendsReached == ["billing"])
        let get = h.backend("ems", .call(id: "g", action: "GetConfiguration", payload: [:]))
        #expect(get.toChargePoint.isEmpty)
        #expect(get.to("ems").first.map { if case .callError = $0 { true } else { false } } == true)
    }

    @Test("the boot answer of a copy that answers Pending does not change what the charge point gets")
    func copyPendingDoesNotLeak() throws {
        let h = try SessionHarness(Self.policy)
        let boot = h.cp(.call(id: "boot", action: "BootNotification", payload: Payloads.boot))
        let emsLeg = try #require(boot.to("ems").first?.messageId)
        let billingLeg = try #require(boot.to("billing").first?.messageId)
        #expect(h.backend("ems", .callResult(id: emsLeg, payload: Payloads.bootAnswer("Pending"))).toChargePoint.isEmpty)
        #expect(h.backend("billing", .callResult(id: billingLeg, payload: Payloads.bootAnswer("Accepted"))).toChargePoint
                == [.callResult(id: "boot", payload: Payloads.bootAnswer("Accepted"))])
    }
}
