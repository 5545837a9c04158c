import Foundation
import Gateway
import OCPP
import Testing

@Suite("end to end: durable delivery to absent backends", .serialized, .timeLimit(.minutes(1)))
struct DurableDeliveryTests {
    static let policy = """
        policy "durable" for ocpp 1.6
        primary billing
        owner billing otherwise
        route BootNotification, StatusNotification to all
        route Heartbeat to gateway
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        route StartTransaction, StopTransaction, MeterValues to ems
        redact idTag for ems as owner
        """

    static let boot: JSONValue = ["chargePointModel": "M", "chargePointVendor": "V"]
    static func start(_ timestamp: String = "2026-11-21T08:00:00Z") -> JSONValue {
        ["connectorId": 1, "idTag": "USER-1", "meterStart": 0, "timestamp": .string(timestamp)]
    }
    static func meter(_ id: Int) -> JSONValue {
        ["connectorId": 1, "transactionId": .integer(id),
         "meterValue": [["timestamp": "2026-11-21T08:10:00Z", "sampledValue": [["value": "1500"]]]]]
    }
    static func stop(_ id: Int) -> JSONValue {
        ["meterStop": 3000, "timestamp": "2026-11-21T09:00:00Z", "transactionId": .integer(id)]
    }

    @Test("a secondary backend down for a whole transaction gets it all in order, with its own ids, when it returns")
    func secondaryDownForWholeTransaction() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"], down: ["ems"])
        let chargePoint = try await harness.chargePoint()
        let boot = try await chargePoint.call("BootNotification", Self.boot)
        guard case .callResult(_, let bootAnswer) = boot else { Issue.record("boot: \(boot)"); return }
        #expect(bootAnswer["status"] == "Accepted")
        let start = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult(_, let started) = start, let id = started["transactionId"]?.intValue else {
            Issue.record("start: \(start)"); return
        }
        #expect(id == 1000)
        let meter = try await chargePoint.call("MeterValues", Self.meter(id))
        guard case .callResult = meter else { Issue.record("meter: \(meter)"); return }
        let stop = try await chargePoint.call("StopTransaction", Self.stop(id))
        guard case .callResult = stop else { Issue.record("stop: \(stop)"); return }
        let queued = try await harness.context.store!.statistics(QueueKey(chargePoint: "CP-1", backend: "ems"))
        #expect(queued.length == 3)

        try await harness.bringUp("ems")
        try await harness.waitForCalls("ems", count: 4)
        try await Task.sleep(for: .milliseconds(200))

        let billing = harness.calls("billing")
        #expect(billing.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(billing.dropFirst(2).map { $0.payload["transactionId"] } == [1000, 1000])
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(ems.count == 4 && ems[1].payload["idTag"] == "billing")
        #expect(ems.dropFirst(2).map { $0.payload["transactionId"] } == [2000, 2000])
        #expect(ems.allSatisfy { $0.payload[ChargePointSession.pendingTransactionIdKey] == nil })
        let after = try await harness.context.store!.statistics(QueueKey(chargePoint: "CP-1", backend: "ems"))
        #expect(after.length == 0)
        let records = try await harness.context.store!.transactions(TransactionQuery(chargePoint: "CP-1"))
        #expect(records.count == 1)
        #expect(records.first?.chargePointTransactionId == 1000)
        #expect(records.first?.backendIds == ["ems": 2000])
        #expect(records.first?.meterStop == 3000 && records.first?.owner == "billing")
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("the owner down at the start: no answer, nothing forwarded; the charge point's retry opens it once everywhere")
    func ownerDownAtStart() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"], down: ["billing"])
        let chargePoint = try await harness.chargePoint()
        // The boot's responder is absent too: refused (as before), so the charge point boots again later.
        let refusedBoot = try await chargePoint.call("BootNotification", Self.boot)
        guard case .callError = refusedBoot else { Issue.record("boot: \(refusedBoot)"); return }
        let unanswered = try? await chargePoint.call("StartTransaction", Self.start(), timeout: 1)
        #expect(unanswered == nil)
        #expect(harness.calls("ems").isEmpty)

        try await harness.bringUp("billing")
        try await Task.sleep(for: .milliseconds(700))
        let boot = try await chargePoint.call("BootNotification", Self.boot)
        guard case .callResult = boot else { Issue.record("boot: \(boot)"); return }
        // The charge point sends it again (same connector, idTag and timestamp).
        let retried = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult(_, let started) = retried, let id = started["transactionId"]?.intValue else {
            Issue.record("start: \(retried)"); return
        }
        #expect(id == 1000)
        _ = try await chargePoint.call("StopTransaction", Self.stop(id))
        try await harness.waitForCalls("ems", count: 3)
        try await Task.sleep(for: .milliseconds(200))
        #expect(harness.calls("billing").map(\.action) == ["BootNotification", "StartTransaction", "StopTransaction"])
        #expect(harness.calls("billing").last?.payload["transactionId"] == 1000)
        #expect(harness.calls("ems").map(\.action) == ["BootNotification", "StartTransaction", "StopTransaction"])
        #expect(harness.calls("ems").last?.payload["transactionId"] == 2000)
        let records = try await harness.context.store!.transactions(TransactionQuery(chargePoint: "CP-1"))
        #expect(records.count == 1 && records.first?.chargePointTransactionId == 1000 && records.first?.stoppedAt != nil)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("the owner down at the stop: no answer; the retried stop reaches the owner and the copy once, with their ids")
    func ownerDownAtStop() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"])
        let chargePoint = try await harness.chargePoint()
        _ = try await chargePoint.call("BootNotification", Self.boot)
        let start = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult(_, let started) = start, let id = started["transactionId"]?.intValue else {
            Issue.record("start: \(start)"); return
        }
        await harness.takeDown("billing")
        try await Task.sleep(for: .milliseconds(300))
        let unanswered = try? await chargePoint.call("StopTransaction", Self.stop(id), timeout: 1)
        #expect(unanswered == nil)
        #expect(harness.calls("ems").map(\.action) == ["BootNotification", "StartTransaction"])

        try await harness.bringUp("billing")
        try await harness.waitForCalls("billing", count: 3)  // the boot replayed
        try await Task.sleep(for: .milliseconds(300))
        let stop = try await chargePoint.call("StopTransaction", Self.stop(id))
        guard case .callResult = stop else { Issue.record("stop: \(stop)"); return }
        try await harness.waitForCalls("ems", count: 3)
        try await Task.sleep(for: .milliseconds(200))
        #expect(harness.calls("billing").map(\.action)
            == ["BootNotification", "StartTransaction", "BootNotification", "StopTransaction"])
        #expect(harness.calls("billing").last?.payload["transactionId"] == 1000)
        #expect(harness.calls("ems").map(\.action) == ["BootNotification", "StartTransaction", "StopTransaction"])
        #expect(harness.calls("ems").last?.payload["transactionId"] == 2000)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a replayed StartTransaction (same connector, idTag, timestamp) is answered with the recorded id and opened nowhere twice")
    func replayedStart() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"])
        let chargePoint = try await harness.chargePoint()
        _ = try await chargePoint.call("BootNotification", Self.boot)
        let first = try await chargePoint.call("StartTransaction", Self.start())
        let again = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult(_, let one) = first, case .callResult(_, let two) = again else {
            Issue.record("starts: \(first) \(again)"); return
        }
        #expect(one["transactionId"] == 1000 && two["transactionId"] == 1000)
        try await Task.sleep(for: .milliseconds(200))
        #expect(harness.calls("billing").map(\.action) == ["BootNotification", "StartTransaction"])
        #expect(harness.calls("ems").map(\.action) == ["BootNotification", "StartTransaction"])
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("the store cannot write (disk full, read-only): new transactions are refused with a clear error and reach no backend",
          arguments: [StoreError.Code.storageFull, .unwritable])
    func storeCannotWrite(code storeCode: StoreError.Code) async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"], controlledStore: true)
        let chargePoint = try await harness.chargePoint()
        _ = try await chargePoint.call("BootNotification", Self.boot)
        harness.controlledStore?.failWrites(StoreError(storeCode, "cannot write"))
        let start = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callError(_, let code, let description, _) = start else { Issue.record("start: \(start)"); return }
        #expect(code == "InternalError")
        #expect(description.hasPrefix("the gateway cannot store transactions"))
        #expect(description.contains(storeCode.description))
        try await Task.sleep(for: .milliseconds(300))
        #expect(harness.calls("billing").map(\.action) == ["BootNotification"])
        #expect(harness.calls("ems").map(\.action) == ["BootNotification"])
        // Room again: the charge point's retry goes through.
        harness.controlledStore?.failWrites(nil)
        let retried = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult(_, let started) = retried else { Issue.record("retry: \(retried)"); return }
        #expect(started["transactionId"] == 1000)
        try await Task.sleep(for: .milliseconds(200))
        #expect(harness.calls("billing").map(\.action) == ["BootNotification", "StartTransaction"])
        #expect(harness.calls("ems").map(\.action) == ["BootNotification", "StartTransaction"])
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a backend that accepts the connection but never answers: the owner is served; the copies wait in order and are sent again with the same message ids")
    func backendNeverAnswers() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"])
        harness.systems["ems"]!.setSilent(["StartTransaction", "MeterValues", "StopTransaction"])
        let chargePoint = try await harness.chargePoint()
        _ = try await chargePoint.call("BootNotification", Self.boot)
        let start = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult(_, let started) = start, let id = started["transactionId"]?.intValue else {
            Issue.record("start: \(start)"); return
        }
        let meter = try await chargePoint.call("MeterValues", Self.meter(id))
        let stop = try await chargePoint.call("StopTransaction", Self.stop(id))
        guard case .callResult = meter, case .callResult = stop else { Issue.record("meter, stop: \(meter) \(stop)"); return }
        try await Task.sleep(for: .milliseconds(300))
        // Only the first queued message went out: the rest waits behind it.
        #expect(harness.calls("ems").map(\.action) == ["BootNotification", "StartTransaction"])
        let queued = try await harness.context.store!.statistics(QueueKey(chargePoint: "CP-1", backend: "ems"))
        #expect(queued.length == 3)

        // The backend restarts and answers again: the start is sent again with its message id.
        await harness.takeDown("ems")
        harness.systems["ems"]!.setSilent([])
        try await harness.bringUp("ems")
        try await harness.waitForCalls("ems", count: 6)
        try await Task.sleep(for: .milliseconds(200))
        let ems = harness.systems["ems"]!.received.compactMap { received -> (String, String, JSONValue)? in
            if case .call(let messageId, let action, let payload) = received.frame { return (messageId, action, payload) }
            return nil
        }
        #expect(ems.map(\.1) == ["BootNotification", "StartTransaction", "BootNotification", "StartTransaction", "MeterValues",
                                  "StopTransaction"])
        #expect(ems.count == 6 && ems[1].0 == ems[3].0)
        #expect(ems.suffix(2).map { $0.2["transactionId"] } == [2000, 2000])
        #expect(harness.calls("billing").map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(harness.calls("billing").suffix(2).map { $0.payload["transactionId"] } == [1000, 1000])
        let after = try await harness.context.store!.statistics(QueueKey(chargePoint: "CP-1", backend: "ems"))
        #expect(after.length == 0)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a queue over its length limit drops its oldest entries, counted durably; what depends on a dropped start is not sent")
    func queueLengthLimit() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"], down: ["ems"],
                                backendConfig: ["ems": "queue: { maxMessages: 2 }"])
        let chargePoint = try await harness.chargePoint()
        _ = try await chargePoint.call("BootNotification", Self.boot)
        let start = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult(_, let started) = start, let id = started["transactionId"]?.intValue else {
            Issue.record("start: \(start)"); return
        }
        _ = try await chargePoint.call("MeterValues", Self.meter(id))
        _ = try await chargePoint.call("StopTransaction", Self.stop(id))
        let queue = QueueKey(chargePoint: "CP-1", backend: "ems")
        let statistics = try await harness.context.store!.statistics(queue)
        #expect(statistics.length == 2 && statistics.droppedByLength == 1)

        try await harness.bringUp("ems")
        try await harness.waitForCalls("ems", count: 2)
        try await Task.sleep(for: .milliseconds(300))
        // The start was dropped: ems has no id for the transaction, so the meter values go without
        // one and the stop (which needs one) is not sent.
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "MeterValues"])
        #expect(ems.last?.payload["transactionId"] == nil)
        #expect(try await harness.context.store!.statistics(queue).length == 0)
        #expect(harness.calls("billing").map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("offline.authorizeCacheTTL: with the owner absent, Authorize is answered from its recent Accepted answers until they expire")
    func authorizeFromCache() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"],
                                backendConfig: ["billing": "offline: { authorizeCacheTTL: 2s }"])
        let chargePoint = try await harness.chargePoint()
        _ = try await chargePoint.call("BootNotification", Self.boot)
        let online = try await chargePoint.call("Authorize", ["idTag": "USER-1"])
        guard case .callResult(_, let accepted) = online else { Issue.record("authorize: \(online)"); return }
        #expect(accepted["idTagInfo"]?["status"] == "Accepted")
        await harness.takeDown("billing")
        try await Task.sleep(for: .milliseconds(300))

        let cached = try await chargePoint.call("Authorize", ["idTag": "user-1"])  // idTags compare ignoring case
        guard case .callResult(_, let answer) = cached else { Issue.record("cached: \(cached)"); return }
        #expect(answer["idTagInfo"]?["status"] == "Accepted")
        let unknown = try await chargePoint.call("Authorize", ["idTag": "USER-2"])
        guard case .callError(_, "InternalError", let description, _) = unknown else { Issue.record("unknown: \(unknown)"); return }
        #expect(description == "responder `billing` is not connected")
        try await Task.sleep(for: .milliseconds(2000))
        let expired = try await chargePoint.call("Authorize", ["idTag": "USER-1"])
        guard case .callError = expired else { Issue.record("expired: \(expired)"); return }
        #expect(harness.calls("billing").map(\.action) == ["BootNotification", "Authorize"])
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("StatusNotification is not queued one by one: a returning backend gets the latest state per connector, after the boot and the queue")
    func latestStatusOnReturn() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"], down: ["ems"])
        let chargePoint = try await harness.chargePoint()
        _ = try await chargePoint.call("BootNotification", Self.boot)
        func status(_ connector: Int, _ state: String) -> JSONValue {
            ["connectorId": .integer(connector), "errorCode": "NoError", "status": .string(state)]
        }
        _ = try await chargePoint.call("StatusNotification", status(1, "Preparing"))
        let start = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult = start else { Issue.record("start: \(start)"); return }
        _ = try await chargePoint.call("StatusNotification", status(1, "Charging"))
        _ = try await chargePoint.call("StatusNotification", status(2, "Unavailable"))

        try await harness.bringUp("ems")
        try await harness.waitForCalls("ems", count: 4)
        try await Task.sleep(for: .milliseconds(300))
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "StartTransaction", "StatusNotification", "StatusNotification"])
        #expect(ems.suffix(2).map { $0.payload["status"] } == ["Charging", "Unavailable"])
        #expect(harness.calls("billing").map(\.action)
            == ["BootNotification", "StatusNotification", "StartTransaction", "StatusNotification", "StatusNotification"])
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("offline.acceptTransactions: the gateway accepts a transaction for the absent owner with a provisional id; the owner gets it on return with its own id throughout")
    func acceptTransactionsOnOwnersBehalf() async throws {
        let harness = DurableHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "ems"],
                                backendConfig: ["billing": "offline: { acceptTransactions: true }"])
        let chargePoint = try await harness.chargePoint()
        _ = try await chargePoint.call("BootNotification", Self.boot)
        await harness.takeDown("billing")
        try await Task.sleep(for: .milliseconds(300))

        let start = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult(_, let started) = start, let provisional = started["transactionId"]?.intValue else {
            Issue.record("start: \(start)"); return
        }
        #expect(provisional >= 1_000_000_000 && provisional < 2_000_000_000)
        #expect(started["idTagInfo"]?["status"] == "Accepted")
        guard case .callResult = try await chargePoint.call("MeterValues", Self.meter(provisional)) else { Issue.record("meter"); return }
        guard case .callResult = try await chargePoint.call("StopTransaction", Self.stop(provisional)) else { Issue.record("stop"); return }
        // Replayed: the same provisional id, nothing opened twice.
        let replay = try await chargePoint.call("StartTransaction", Self.start())
        guard case .callResult(_, let again) = replay else { Issue.record("replay: \(replay)"); return }
        #expect(again["transactionId"] == .integer(provisional))

        try await harness.bringUp("billing")
        try await harness.waitForCalls("billing", count: 5)
        try await harness.waitForCalls("ems", count: 4)
        try await Task.sleep(for: .milliseconds(300))
        let billing = harness.calls("billing")
        #expect(billing.map(\.action) == ["BootNotification", "BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(billing.suffix(2).map { $0.payload["transactionId"] } == [1000, 1000])
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(ems.suffix(2).map { $0.payload["transactionId"] } == [2000, 2000])
        let records = try await harness.context.store!.transactions(TransactionQuery(chargePoint: "CP-1"))
        #expect(records.count == 1 && records.first?.chargePointTransactionId == provisional)
        #expect(records.first?.backendIds == ["billing": 1000, "ems": 2000])
        await chargePoint.stop()
        await harness.stop()
    }
}
