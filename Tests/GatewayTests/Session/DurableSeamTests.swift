import Gateway
import OCPP
import Testing

@Suite("session: the durable-queue seam")
struct DurableSeamTests {
    static let policy = """
        policy "t" for ocpp 1.6
        primary billing
        owner billing otherwise
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        route StartTransaction, StopTransaction, MeterValues to ems
        """

    static func queued(_ settings: inout SessionSettings) { settings.queuesTransactionCopies = true }

    @Test("a StartTransaction or StopTransaction whose responder is absent gets no answer and sends no copy; Authorize still gets InternalError")
    func noAnswerWithoutResponder() throws {
        let h = try SessionHarness(Self.policy, connected: ["ems"])
        let start = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("T")))
        #expect(start.toChargePoint.isEmpty)
        #expect(start.backendsReached.isEmpty && start.notDelivered.isEmpty)
        #expect(start.records.first?.verdict == .rejected(code: "NoAnswer"))
        let authorize = h.cp(.call(id: "a1", action: "Authorize", payload: ["idTag": "T"]))
        #expect(authorize.toChargePoint.count == 1)
    }

    @Test("with queued copies, the responder gets the call live and the copy comes back as queued, its transaction id marked for later")
    func copiesQueued() throws {
        let h = try SessionHarness(Self.policy, configure: Self.queued)
        let start = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("T")))
        #expect(start.backendsReached == ["billing"])
        #expect(start.notDelivered.map(\.backend) == ["ems"])
        h.backend("billing", .callResult(id: "cmx-1", payload: Payloads.accepted(41)))
        let meter = h.cp(.call(id: "m1", action: "MeterValues", payload: Payloads.meter(41)))
        #expect(meter.to("billing").count == 1)
        #expect(meter.notDelivered.first?.payload[ChargePointSession.pendingTransactionIdKey] == 41)
        // Once ems's own id is known, its copies carry it.
        h.session.recordLateBackendId(7, backend: h.index("ems"), chargePointTransactionId: 41)
        let again = h.cp(.call(id: "m2", action: "MeterValues", payload: Payloads.meter(41)))
        #expect(again.notDelivered.first?.payload["transactionId"] == 7)
        #expect(again.notDelivered.first?.payload[ChargePointSession.pendingTransactionIdKey] == nil)
    }

    @Test("a backend marked queueing gets transaction messages queued, other calls live")
    func queueingBackend() throws {
        let h = try SessionHarness(Self.policy)
        h.session.setQueueing(h.index("ems"), true)
        let start = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("T")))
        #expect(start.backendsReached == ["billing"] && start.notDelivered.map(\.backend) == ["ems"])
        #expect(h.session.isReadyForQueued(h.index("ems")))
    }

    @Test("abandonCall: no copy goes out later and the responder's answer reaches nobody")
    func abandon() throws {
        let h = try SessionHarness(Self.policy)
        h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("T")))
        h.session.abandonCall(messageId: "s1")
        let answer = h.backend("billing", .callResult(id: "cmx-1", payload: Payloads.accepted(41)))
        #expect(answer.toChargePoint.isEmpty)
    }

    @Test("acceptTransactions: the gateway answers for the absent owner with a provisional id and queues the owner's copy")
    func acceptOnBehalf() throws {
        let h = try SessionHarness(Self.policy, connected: ["ems"]) { settings in
            settings.queuesTransactionCopies = true
            settings.acceptsTransactionsFor = ["billing"]
        }
        let start = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("T")))
        guard case .callResult(_, let answer)? = start.toChargePoint.first, let id = answer["transactionId"]?.intValue else {
            Issue.record("\(start.toChargePoint)"); return
        }
        #expect(id >= 1_000_000_000)
        #expect(Set(start.notDelivered.map(\.backend)) == ["billing", "ems"])
        #expect(start.backendsReached.isEmpty)
        let stop = h.cp(.call(id: "t1", action: "StopTransaction", payload: Payloads.stop(id)))
        #expect(stop.toChargePoint.count == 1)
        #expect(stop.notDelivered.map { $0.payload[ChargePointSession.pendingTransactionIdKey] } == [.integer(id), .integer(id)])
    }
}
