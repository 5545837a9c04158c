import Gateway
import OCPP
import Testing

/// Without a store, a backend that has not yet answered its copy of a StartTransaction gets the
/// transaction's MeterValues and StopTransaction once it has, with its own id.
@Suite("session: copies wait for a lagging backend's transaction id")
struct LaggingCopyTests {
    /// Starts a FLEET transaction answered by fleet (7); ems's copy stays unanswered. Returns ems's leg id.
    func startWithEmsLagging(_ h: SessionHarness) throws -> String {
        let sent = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("FLEET-1")))
        let fleetId = try #require(sent.to("fleet").first?.messageId)
        let emsId = try #require(sent.to("ems").first?.messageId)
        let answer = h.backend("fleet", .callResult(id: fleetId, payload: Payloads.accepted(7)))
        #expect(answer.toChargePoint == [.callResult(id: "s1", payload: Payloads.accepted(7))])
        return emsId
    }

    @Test("MeterValues and StopTransaction wait, in order, then go with the backend's own id")
    func waitForTheId() throws {
        let h = try SessionHarness(TransactionTests.policy)
        let emsStart = try startWithEmsLagging(h)
        let meter = h.cp(.call(id: "m1", action: "MeterValues", payload: Payloads.meter(7)))
        #expect(meter.to("fleet").map(\.payload) == [Payloads.meter(7)])
        #expect(meter.to("ems").isEmpty)
        let fleetMeter = try #require(meter.to("fleet").first?.messageId)
        #expect(h.backend("fleet", .callResult(id: fleetMeter, payload: [:])).toChargePoint == [.callResult(id: "m1", payload: [:])])

        let stop = h.cp(.call(id: "t1", action: "StopTransaction", payload: Payloads.stop(7)))
        #expect(stop.to("ems").isEmpty)
        let fleetStop = try #require(stop.to("fleet").first?.messageId)
        // The responder's answer closes the transaction before ems has answered: the stop still waits.
        #expect(h.backend("fleet", .callResult(id: fleetStop, payload: [:])).toChargePoint == [.callResult(id: "t1", payload: [:])])

        let released = h.backend("ems", .callResult(id: emsStart, payload: Payloads.accepted(900)))
        #expect(released.toChargePoint.isEmpty)
        #expect(released.to("ems").map(\.action) == ["MeterValues", "StopTransaction"])
        #expect(released.to("ems").map(\.payload) == [Payloads.meter(900), Payloads.stop(900)])
    }

    @Test("a refused StartTransaction copy: the waiting MeterValues goes without an id, the StopTransaction not at all")
    func refusedStartCopy() throws {
        let h = try SessionHarness(TransactionTests.policy)
        let emsStart = try startWithEmsLagging(h)
        _ = h.cp(.call(id: "m1", action: "MeterValues", payload: Payloads.meter(7)))
        _ = h.cp(.call(id: "t1", action: "StopTransaction", payload: Payloads.stop(7)))
        let released = h.backend("ems", .callError(id: emsStart, code: "InternalError", description: "no", details: [:]))
        #expect(released.to("ems").map(\.action) == ["MeterValues"])
        #expect(released.to("ems").first?.payload["transactionId"] == nil)
        #expect(released.ignored.contains { $0.contains("`StopTransaction` not sent to `ems`: it has no transaction id of its own") })
    }

    @Test("a StartTransaction copy never answered: the waiting copies go when its leg expires")
    func expiredStartCopy() throws {
        let h = try SessionHarness(TransactionTests.policy)
        _ = try startWithEmsLagging(h)
        _ = h.cp(.call(id: "m1", action: "MeterValues", payload: Payloads.meter(7)))
        let expired = h.advance(31)
        #expect(expired.to("ems").map(\.action) == ["MeterValues"])
        #expect(expired.to("ems").first?.payload["transactionId"] == nil)
    }

    @Test("the lagging backend drops: the waiting copies are reported not delivered")
    func laggingBackendDrops() throws {
        let h = try SessionHarness(TransactionTests.policy)
        _ = try startWithEmsLagging(h)
        _ = h.cp(.call(id: "m1", action: "MeterValues", payload: Payloads.meter(7)))
        let dropped = h.disconnect("ems")
        #expect(dropped.notDelivered.map(\.backend) == ["ems"])
        #expect(dropped.notDelivered.map(\.action) == ["MeterValues"])
    }

    @Test("with a store: a queued copy's id learnt before the responder's answer reaches the later copies once the responder answers")
    func queuedCopyIdBeforeResponder() throws {
        let h = try SessionHarness(TransactionTests.policy) { $0.queuesTransactionCopies = true }
        let sent = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("FLEET-1")))
        #expect(sent.notDelivered.map(\.backend) == ["ems"])
        let fleetId = try #require(sent.to("fleet").first?.messageId)
        // The link delivered ems's queued copy, and ems answered 900, before fleet answered.
        #expect(h.session.recordCopyTransactionId(900, backend: h.index("ems"), startMessageId: "s1"))
        _ = h.backend("fleet", .callResult(id: fleetId, payload: Payloads.accepted(7)))

        let meter = h.cp(.call(id: "m1", action: "MeterValues", payload: Payloads.meter(7)))
        #expect(meter.notDelivered.map(\.payload) == [Payloads.meter(900)])
        #expect(!h.session.recordCopyTransactionId(901, backend: h.index("ems"), startMessageId: "no-such-call"))
    }
}
