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
        // A StopTransaction's copy has a row (its record goes with it), delivered from memory.
        let stop = try await chargePoint.call("StopTransaction", DurableDeliveryTests.stop(id))
        guard case .callResult = stop else { Issue.record("stop: \(stop)"); return }
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

        let next = try await chargePoint.call("StartTransaction", DurableDeliveryTests.start("2026-11-21T10:00:00Z"), timeout: 5)
        guard case .callResult = next else { Issue.record("next start: \(next)"); return }
        try await harness.waitForCalls("ems", count: 5)
        try await Task.sleep(for: .milliseconds(200))
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "StartTransaction", "StopTransaction", "BootNotification",
                                      "StartTransaction"])
        #expect(ems[2].payload["transactionId"] == 2000)
        await chargePoint.stop()
        await harness.stop()
    }

    // MARK: Copies without a row (ChargePointLink+AnswerGate)

    /// A started transaction and one MeterValues (it stores the snapshot with ems's id: the
    /// copies after it are the ones without a row); the transaction id.
    private func startedAndMetered(_ harness: DurableHarness, _ chargePoint: SimulatedChargePoint) async throws -> Int {
        let id = try await start(harness, chargePoint)
        let meter = try await chargePoint.call("MeterValues", DurableDeliveryTests.meter(id))
        guard case .callResult = meter else { throw Failure("meter: \(meter)") }
        try await harness.waitForCalls("ems", count: 3)
        try await Task.sleep(for: .milliseconds(100))
        return id
    }

    /// The message ids of the MeterValues ems received, in order.
    private func emsMeterIds(_ harness: DurableHarness) -> [String] {
        (harness.systems["ems"]?.received ?? []).compactMap { received in
            if case .call(let id, "MeterValues", _) = received.frame { return id }
            return nil
        }
    }

    /// Waits until ems's queue has `length` entries (or 10 s pass); its length then.
    private func emsQueueLength(_ harness: DurableHarness, becomes length: Int = 0) async throws -> Int {
        let queue = QueueKey(chargePoint: "CP-1", backend: "ems")
        let deadline = Date().addingTimeInterval(10)
        while try await harness.context.store!.statistics(queue).length != length, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await harness.context.store!.statistics(queue).length
    }

    @Test("a MeterValues copy for a caught-up backend goes without a store row, with that backend's own id")
    func copyWithoutRow() async throws {
        let (harness, store, chargePoint) = try await bootedSite()
        let id = try await startedAndMetered(harness, chargePoint)
        let rowsBefore = store.appended.withLockedValue { $0.count }
        for _ in 0..<3 {
            let meter = try await chargePoint.call("MeterValues", DurableDeliveryTests.meter(id))
            guard case .callResult = meter else { Issue.record("meter: \(meter)"); return }
        }
        try await harness.waitForCalls("ems", count: 6)
        #expect(store.appended.withLockedValue { $0.count } == rowsBefore)
        #expect(harness.calls("ems").suffix(3).map { $0.payload["transactionId"] } == [2000, 2000, 2000])
        #expect(harness.calls("billing").filter { $0.action == "MeterValues" }.count == 4)
        #expect(try await emsQueueLength(harness) == 0)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a copy its backend leaves unanswered is stored under the id it went with, before the charge point's answer")
    func unansweredCopyStoredBeforeAnswer() async throws {
        let (harness, store, chargePoint) = try await bootedSite()
        let id = try await startedAndMetered(harness, chargePoint)
        harness.systems["ems"]!.setSilent(["MeterValues"])
        let rowsBefore = store.appended.withLockedValue { $0.count }
        let sent = Date()
        let meter = try await chargePoint.call("MeterValues", DurableDeliveryTests.meter(id))
        guard case .callResult = meter else { Issue.record("meter: \(meter)"); return }
        // Held for the grace, then stored: one row, under the id ems got.
        #expect(Date().timeIntervalSince(sent) >= 0.2)
        let rows = store.appended.withLockedValue { Array($0.dropFirst(rowsBefore)) }
        #expect(rows.map(\.action) == ["MeterValues"])
        let copyId = try #require(emsMeterIds(harness).last)
        #expect(rows.first?.messageId == copyId)

        // Stored, it is still the copy ems has: not sent again while ems stays connected, and
        // ems's late answer removes it from the queue.
        try await Task.sleep(for: .milliseconds(300))
        #expect(emsMeterIds(harness).filter { $0 == copyId }.count == 1)
        #expect(try await emsQueueLength(harness, becomes: 1) == 1)
        #expect(harness.send(raw: "[3,\"\(copyId)\",{}]", from: "ems"))
        #expect(try await emsQueueLength(harness) == 0)
        #expect(emsMeterIds(harness).filter { $0 == copyId }.count == 1)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a copy whose backend disconnects before answering is stored and delivered when that backend is back")
    func copyStoredWhenBackendDrops() async throws {
        let (harness, store, chargePoint) = try await bootedSite()
        let id = try await startedAndMetered(harness, chargePoint)
        // Neither answers: the charge point's answer never comes, and the copy stays open.
        harness.systems["billing"]!.setSilent(["MeterValues"])
        harness.systems["ems"]!.setSilent(["MeterValues"])
        let rowsBefore = store.appended.withLockedValue { $0.count }
        let call = Task { try await chargePoint.call("MeterValues", DurableDeliveryTests.meter(id), timeout: 3) }
        try await harness.waitForCalls("ems", count: 4)
        let copyId = try #require(emsMeterIds(harness).last)
        #expect(store.appended.withLockedValue { $0.count } == rowsBefore)

        harness.systems["ems"]!.setSilent([])
        await harness.takeDown("ems")
        let deadline = Date().addingTimeInterval(5)
        while store.appended.withLockedValue({ $0.count }) == rowsBefore, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(store.appended.withLockedValue { $0.dropFirst(rowsBefore).map(\.messageId) } == [copyId])
        // Committed (not only submitted) before ems is back.
        #expect(try await emsQueueLength(harness, becomes: 1) == 1)
        try await harness.bringUp("ems")
        #expect(try await emsQueueLength(harness) == 0)
        #expect(emsMeterIds(harness).last == copyId)
        _ = try? await call.value
        await chargePoint.stop()
        await harness.stop()
    }
}

/// A setup step that went wrong, with what came back.
private struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
