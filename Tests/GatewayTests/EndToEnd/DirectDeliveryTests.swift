import Foundation
import Gateway
import OCPP
import Testing

/// A caught-up backend's queue, delivered from memory (ChargePointLink+DirectDelivery): the
/// copies go out without reading the queue, and an answered copy whose removal has not yet
/// committed is not sent again when the backend reconnects.
@Suite("end to end: durable delivery from memory", .serialized, .timeLimit(.minutes(1)))
struct DirectDeliveryTests {
    /// Boots CP-1 with billing and ems up, once ems's queue reads after the boot have ended
    /// (its queue found empty: from then on it is delivered from memory).
    private func bootedSite() async throws -> (DurableHarness, ControlledStore, SimulatedChargePoint) {
        let harness = DurableHarness()
        try await harness.start(policy: DurableDeliveryTests.policy, backends: ["billing", "ems"], controlledStore: true)
        let store = try #require(harness.controlledStore)
        let reads = Gate()
        reads.open()
        store.peekGates.withLockedValue { $0["ems"] = reads }
        let chargePoint = try await harness.chargePoint()
        let boot = try await chargePoint.call("BootNotification", DurableDeliveryTests.boot)
        guard case .callResult = boot else { throw Failure("boot: \(boot)") }
        try await harness.waitForCalls("billing", count: 1)
        try await harness.waitForCalls("ems", count: 1)
        try await reads.waitForArrivals(1)
        var seen = 0
        repeat {
            seen = reads.arrivals
            try await Task.sleep(for: .milliseconds(300))
        } while reads.arrivals != seen
        return (harness, store, chargePoint)
    }

    /// Starts a transaction and waits until ems's copy of it is answered and removed from its
    /// queue (its own id stored).
    private func start(_ harness: DurableHarness, _ chargePoint: SimulatedChargePoint) async throws -> Int {
        let start = try await chargePoint.call("StartTransaction", DurableDeliveryTests.start())
        guard case .callResult(_, let started) = start, let id = started["transactionId"]?.intValue else {
            throw Failure("start: \(start)")
        }
        let store = harness.context.store!
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let records = try await store.transactions(TransactionQuery(chargePoint: "CP-1"))
            let queued = try await store.statistics(QueueKey(chargePoint: "CP-1", backend: "ems")).length
            if records.first?.backendIds["ems"] != nil, queued == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        // The link takes the id up on its event loop, right after the removal committed.
        try await Task.sleep(for: .milliseconds(100))
        return id
    }

    @Test("a caught-up backend gets its copies without a read of its queue, in order, with its own ids")
    func copiesSentWithoutQueueRead() async throws {
        let (harness, store, chargePoint) = try await bootedSite()
        // From here, any read of ems's queue waits for good: delivery must not need one.
        let emsRead = Gate()
        store.peekGates.withLockedValue { $0["ems"] = emsRead }
        let id = try await start(harness, chargePoint)
        for _ in 0..<3 {
            let meter = try await chargePoint.call("MeterValues", DurableDeliveryTests.meter(id))
            guard case .callResult = meter else { Issue.record("meter: \(meter)"); return }
        }
        let stop = try await chargePoint.call("StopTransaction", DurableDeliveryTests.stop(id))
        guard case .callResult = stop else { Issue.record("stop: \(stop)"); return }
        try await harness.waitForCalls("ems", count: 6)

        #expect(emsRead.arrivals == 0)
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "MeterValues", "MeterValues",
                                      "StopTransaction"])
        #expect(ems.dropFirst(2).map { $0.payload["transactionId"] } == [2000, 2000, 2000, 2000])
        // The answered copies leave the store (in the background).
        let queue = QueueKey(chargePoint: "CP-1", backend: "ems")
        let deadline = Date().addingTimeInterval(5)
        while try await harness.context.store!.statistics(queue).length > 0, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await harness.context.store!.statistics(queue).length == 0)
        emsRead.open()
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("an answered copy whose removal is still under way is not sent again when its backend reconnects")
    func answeredCopyNotResentAfterReconnect() async throws {
        let (harness, store, chargePoint) = try await bootedSite()
        let id = try await start(harness, chargePoint)
        let removal = Gate()
        store.acknowledgeGate.withLockedValue { $0 = removal }
        let meter = try await chargePoint.call("MeterValues", DurableDeliveryTests.meter(id))
        guard case .callResult = meter else { Issue.record("meter: \(meter)"); return }
        // ems answered its copy; the removal from the store is held.
        try await removal.waitForArrivals(1)
        #expect(removal.arrivals == 1)

        // ems drops and returns while the removal is held: it gets the boot replayed, and its
        // queue is read only once the removal committed.
        await harness.takeDown("ems")
        try await Task.sleep(for: .milliseconds(200))
        try await harness.bringUp("ems")
        try await harness.waitForCalls("ems", count: 4)
        try await Task.sleep(for: .milliseconds(300))
        removal.open()
        try await Task.sleep(for: .milliseconds(300))

        let stop = try await chargePoint.call("StopTransaction", DurableDeliveryTests.stop(id), timeout: 5)
        guard case .callResult = stop else { Issue.record("stop: \(stop)"); return }
        try await harness.waitForCalls("ems", count: 5)
        try await Task.sleep(for: .milliseconds(200))
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "BootNotification", "StopTransaction"])
        #expect(ems.last?.payload["transactionId"] == 2000)
        await chargePoint.stop()
        await harness.stop()
    }
}

/// A setup step that went wrong, with what came back.
private struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
