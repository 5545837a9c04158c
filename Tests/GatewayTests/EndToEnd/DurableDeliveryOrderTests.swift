import Foundation
import Gateway
import OCPP
import Testing

/// The order of the link's store calls, forced with gates: a queue read that finds its queue empty
/// while another backend's transaction id is being written must not leave that backend queueing.
@Suite("end to end: durable delivery, store calls interleaved", .serialized, .timeLimit(.minutes(1)))
struct DurableDeliveryOrderTests {
    @Test("a backend whose queue is found empty while another backend's id is written still leaves queueing: its next stop is answered")
    func emptyQueueFoundDuringIdWrite() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: DurableDeliveryTests.policy, backends: ["billing", "ems"], controlledStore: true)
        let store = try #require(harness.controlledStore)
        let chargePoint = try await harness.chargePoint()
        let boot = try await chargePoint.call("BootNotification", DurableDeliveryTests.boot)
        guard case .callResult = boot else { Issue.record("boot: \(boot)"); return }
        // Both backends have the boot (a slow first connection would get it as a replay later).
        try await harness.waitForCalls("billing", count: 1)
        try await harness.waitForCalls("ems", count: 1)

        // ems is away for the start: its copy waits in its queue.
        await harness.takeDown("ems")
        let start = try await chargePoint.call("StartTransaction", DurableDeliveryTests.start())
        guard case .callResult(_, let started) = start, let id = started["transactionId"]?.intValue else {
            Issue.record("start: \(start)"); return
        }
        #expect(id == 1000)

        // billing reconnects; its queue read (empty) is held at a gate.
        let billingRead = Gate()
        store.peekGates.withLockedValue { $0["billing"] = billingRead }
        await harness.takeDown("billing")
        try await Task.sleep(for: .milliseconds(300))
        try await harness.bringUp("billing")
        try await billingRead.waitForArrivals(1)
        #expect(billingRead.arrivals >= 1)

        // ems returns and gets its queued start; writing ems's own id is held: the link is busy.
        let idWrite = Gate()
        store.backendIdGate.withLockedValue { $0 = idWrite }
        try await harness.bringUp("ems")
        try await idWrite.waitForArrivals(1)
        #expect(idWrite.arrivals == 1)

        // billing's read comes back empty while the link is busy, then the write ends.
        billingRead.open()
        try await Task.sleep(for: .milliseconds(200))
        idWrite.open()
        try await Task.sleep(for: .milliseconds(500))

        // billing has left queueing: the stop reaches it at the first attempt.
        let stop = try await chargePoint.call("StopTransaction", DurableDeliveryTests.stop(id), timeout: 5)
        guard case .callResult = stop else { Issue.record("stop: \(stop)"); return }
        try await harness.waitForCalls("ems", count: 4)
        try await Task.sleep(for: .milliseconds(200))

        let billing = harness.calls("billing")
        // Each reconnection gets the boot replayed first.
        #expect(billing.map(\.action) == ["BootNotification", "StartTransaction", "BootNotification", "StopTransaction"])
        #expect(billing.last?.payload["transactionId"] == 1000)
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "BootNotification", "StartTransaction", "StopTransaction"])
        #expect(ems.last?.payload["transactionId"] == 2000)
        await chargePoint.stop()
        await harness.stop()
    }
}
