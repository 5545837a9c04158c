import Foundation
import Gateway
import OCPP
import Testing

/// Bullet 6: the owner answers Authorize, StartTransaction and StopTransaction, and gets the
/// transaction's MeterValues, even when the StopTransaction carries no idTag.
@Suite("end to end: owners", .timeLimit(.minutes(1)))
struct OwnerTests {
    /// The standard policy: fleet owns FLEET-*, billing everyone else.
    static func start(_ harness: GatewayHarness) async throws {
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
    }

    @Test("Authorize goes to the owner only and the owner's answer decides")
    func authorize() async throws {
        let harness = GatewayHarness()
        try await Self.start(harness)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let fleetUser = try await chargePoint.call("Authorize", ["idTag": "FLEET-7"], messageId: "a-1")
        let billingUser = try await chargePoint.call("Authorize", ["idTag": "USER-1"], messageId: "a-2")
        #expect(fleetUser == .callResult(id: "a-1", payload: ["idTagInfo": ["status": "Accepted"]]))
        #expect(billingUser == .callResult(id: "a-2", payload: ["idTagInfo": ["status": "Accepted"]]))
        #expect(harness.calls("fleet").filter { $0.action == "Authorize" }.map(\.payload) == [["idTag": "FLEET-7"]])
        #expect(harness.calls("billing").filter { $0.action == "Authorize" }.map(\.payload) == [["idTag": "USER-1"]])
        #expect(!harness.actions("ems").contains("Authorize"))
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a fleet user's transaction: fleet answers start and stop and gets the MeterValues; the stop has no idTag")
    func fleetTransaction() async throws {
        let harness = GatewayHarness()
        try await Self.start(harness)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        #expect(start.resultPayload?["idTagInfo"]?["status"] == "Accepted", "\(start)")
        try await harness.waitForCalls("ems", "StartTransaction")
        try await Task.sleep(for: .milliseconds(50))
        let meter = try await chargePoint.call("MeterValues", E2EPolicy.meterValues(2000))
        #expect(meter.resultPayload == .object(JSONObject()), "\(meter)")
        let stop = try await chargePoint.call("StopTransaction", E2EPolicy.stop(2000))
        #expect(stop.resultPayload != nil, "\(stop)")
        try await harness.waitForCalls("ems", "StopTransaction")
        try await Task.sleep(for: .milliseconds(50))

        let fleet = harness.calls("fleet")
        #expect(fleet.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(fleet.last?.payload["idTag"] == nil)
        #expect(harness.actions("billing") == ["BootNotification"])
        // The answers the charge point got were fleet's: its ids, one each.
        #expect(chargePoint.receivedFrames.count == 4)  // boot, start, meter, stop
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a billing user's transaction: billing answers and gets everything; a second transaction on another connector stays apart")
    func twoOwners() async throws {
        let harness = GatewayHarness()
        try await Self.start(harness)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let billingStart = try await chargePoint.call("StartTransaction", E2EPolicy.start("USER-1", connector: 1))
        let fleetStart = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7", connector: 2))
        #expect(billingStart.resultPayload?["transactionId"] == 1000, "\(billingStart)")
        #expect(fleetStart.resultPayload?["transactionId"] == 2000, "\(fleetStart)")
        try await harness.waitForCalls("ems", "StartTransaction", count: 2)
        try await Task.sleep(for: .milliseconds(50))
        _ = try await chargePoint.call("MeterValues", E2EPolicy.meterValues(1000))
        _ = try await chargePoint.call("StopTransaction", E2EPolicy.stop(1000))
        _ = try await chargePoint.call("StopTransaction", E2EPolicy.stop(2000, idTag: "FLEET-7"))
        try await harness.waitForCalls("ems", "StopTransaction", count: 2)

        #expect(harness.actions("billing") == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(harness.calls("billing").filter { $0.action != "BootNotification" }.allSatisfy { $0.payload["transactionId"] == nil || $0.payload["transactionId"] == 1000 })
        #expect(harness.actions("fleet") == ["BootNotification", "StartTransaction", "StopTransaction"])
        #expect(harness.calls("fleet").last?.payload["transactionId"] == 2000)
        // ems: its own ids 3000 (billing's transaction) and 3001 (fleet's).
        let ems = harness.calls("ems").filter { $0.action != "BootNotification" && $0.action != "StartTransaction" }
        #expect(ems.map { $0.payload["transactionId"] } == [3000, 3000, 3001])
        #expect(ems.last?.payload["idTag"] == "fleet")
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a transaction stopped with another user's idTag still belongs to the owner it started with")
    func stopByAnotherUser() async throws {
        let harness = GatewayHarness()
        try await Self.start(harness)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        try await harness.waitForCalls("ems", "StartTransaction")
        try await Task.sleep(for: .milliseconds(50))
        let stop = try await chargePoint.call("StopTransaction", E2EPolicy.stop(2000, idTag: "USER-1"))
        #expect(stop.resultPayload != nil, "\(stop)")
        let fleetStop = try await harness.waitForCalls("fleet", "StopTransaction")
        #expect(fleetStop[0].payload["transactionId"] == 2000)
        #expect(fleetStop[0].payload["idTag"] == "USER-1")
        try await harness.waitForCalls("ems", "StopTransaction")
        #expect(!harness.actions("billing").contains("StopTransaction"))
        await chargePoint.stop()
        await harness.stop()
    }
}
