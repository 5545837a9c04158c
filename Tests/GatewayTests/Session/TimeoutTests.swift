import Gateway
import OCPP
import Testing

@Suite("session: timeouts and limits")
struct TimeoutTests {
    static let policy = """
        policy "t" for ocpp 1.6
        primary billing
        route BootNotification, Authorize to billing, ems
        allow all GetConfiguration
        """

    @Test("legs nobody answers are given up after the call timeout; a late answer goes nowhere")
    func legsExpire() throws {
        let h = try SessionHarness(Self.policy, callTimeout: 10)
        h.cp(.call(id: "a1", action: "Authorize", payload: ["idTag": "T"]))
        #expect(h.advance(9).ignored.isEmpty)
        let expired = h.advance(1)
        #expect(expired.ignored.count == 2)
        #expect(expired.toChargePoint.isEmpty)
        let late = h.backend("billing", .callResult(id: "cmx-1", payload: ["idTagInfo": ["status": "Accepted"]]))
        #expect(late.toChargePoint.isEmpty)
        #expect(late.ignored.count == 1)
    }

    @Test("a boot nobody answers counts as refused: the backend is held back and gets the boot again later")
    func bootTimeout() throws {
        let h = try SessionHarness(Self.policy, callTimeout: 10)
        let boot = h.cp(.call(id: "b", action: "BootNotification", payload: Payloads.boot))
        h.backend("billing", .callResult(id: try #require(boot.to("billing").first?.messageId), payload: Payloads.bootAnswer("Accepted")))
        h.advance(10)
        // ems never answered: it is skipped now
        let call = h.cp(.call(id: "a1", action: "Authorize", payload: ["idTag": "T"]))
        #expect(call.backendsReached == ["billing"])
        #expect(call.records.first?.skipped == ["ems": "Rejected"])
        // and gets the boot again after the retry interval (60 s by default)
        let retry = h.advance(60)
        guard case .call(_, "BootNotification", _)? = retry.to("ems").first else {
            Issue.record("no boot retry: \(retry.all)")
            return
        }
    }

    @Test("more backend calls than the queue holds are refused with GenericError")
    func queueLimit() throws {
        let h = try SessionHarness(Self.policy, maximumQueuedBackendCalls: 2)
        #expect(h.backend("ems", .call(id: "1", action: "GetConfiguration", payload: [:])).toChargePoint.count == 1)
        #expect(h.backend("ems", .call(id: "2", action: "GetConfiguration", payload: [:])).to("ems").isEmpty)
        let third = h.backend("billing", .call(id: "3", action: "GetConfiguration", payload: [:]))
        guard case .callError("3", "GenericError", _, _)? = third.to("billing").first else {
            Issue.record("not refused: \(third.all)")
            return
        }
        #expect(third.toChargePoint.isEmpty)
    }
}
