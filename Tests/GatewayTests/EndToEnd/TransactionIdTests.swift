import Foundation
import Gateway
import OCPP
import Testing

/// Bullet 5: the charge point uses the responder's transaction id, every other target its own,
/// in both directions.
@Suite("end to end: transaction ids", .timeLimit(.minutes(1)))
struct TransactionIdTests {
    @Test("owner fleet answers: the charge point uses fleet's id; ems sees its own in MeterValues, Stop and its SetChargingProfile")
    func ownerAnswers() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        try await harness.waitForCalls("ems", "StartTransaction")
        try await Task.sleep(for: .milliseconds(50))  // ems's answer, with its own id, reaches the gateway
        _ = try await chargePoint.call("MeterValues", E2EPolicy.meterValues(2000))

        // ems limits the transaction by its own id 3000: the charge point gets 2000.
        let profile = try await harness.backend("ems").call("SetChargingProfile", payload: E2EPolicy.chargingProfile(transactionId: 3000),
                                                            to: "CP-1")
        #expect(profile.resultPayload?["status"] == "Accepted", "\(profile)")
        // fleet (the owner, and the responder) stops it by its id 2000.
        let remoteStop = try await harness.backend("fleet").call("RemoteStopTransaction", payload: ["transactionId": 2000], to: "CP-1")
        #expect(remoteStop.resultPayload?["status"] == "Accepted", "\(remoteStop)")
        let received = chargePoint.receivedCalls
        #expect(received.compactMap(\.action) == ["SetChargingProfile", "RemoteStopTransaction"])
        #expect(received[0].payload["csChargingProfiles"]?["transactionId"] == 2000)
        #expect(received[0].payload["connectorId"] == 1)
        #expect(received[1].payload == ["transactionId": 2000])

        let stop = try await chargePoint.call("StopTransaction", E2EPolicy.stop(2000))
        #expect(stop.resultPayload?["idTagInfo"]?["status"] == "Accepted", "\(stop)")
        let fleet = try await harness.waitForCalls("fleet", "StopTransaction")
        let ems = try await harness.waitForCalls("ems", "StopTransaction")
        #expect(harness.calls("fleet").filter { $0.action == "MeterValues" }.map { $0.payload["transactionId"] } == [2000])
        #expect(harness.calls("ems").filter { $0.action == "MeterValues" }.map { $0.payload["transactionId"] } == [3000])
        #expect(fleet[0].payload["transactionId"] == 2000)
        #expect(ems[0].payload["transactionId"] == 3000)
        await chargePoint.stop()
        await harness.stop()
    }

    static let emsAnswers = """
        policy "e2e" for ocpp 1.6
        primary billing
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route BootNotification, StatusNotification to all
        route StartTransaction to owner, ems answered by ems
        route StopTransaction, MeterValues to owner, ems
        allow fleet RemoteStopTransaction
        allow ems SetChargingProfile
        """

    @Test("a responder other than the owner: the owner's RemoteStopTransaction with its own id reaches the charge point with the charge point's")
    func responderIsNotOwner() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: Self.emsAnswers, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        #expect(start.resultPayload?["transactionId"] == 3000)  // ems answered
        try await harness.waitForCalls("fleet", "StartTransaction")
        try await Task.sleep(for: .milliseconds(50))

        _ = try await chargePoint.call("MeterValues", E2EPolicy.meterValues(3000))
        let fleetMeter = try await harness.waitForCalls("fleet", "MeterValues")
        let emsMeter = try await harness.waitForCalls("ems", "MeterValues")
        #expect(fleetMeter[0].payload["transactionId"] == 2000)
        #expect(emsMeter[0].payload["transactionId"] == 3000)

        let remoteStop = try await harness.backend("fleet").call("RemoteStopTransaction", payload: ["transactionId": 2000], to: "CP-1")
        #expect(remoteStop == .callResult(id: "fleet-1", payload: ["status": "Accepted"]))
        #expect(chargePoint.receivedCalls.map(\.payload) == [["transactionId": 3000]])

        _ = try await chargePoint.call("StopTransaction", E2EPolicy.stop(3000))
        let fleetStop = try await harness.waitForCalls("fleet", "StopTransaction")
        let emsStop = try await harness.waitForCalls("ems", "StopTransaction")
        #expect(fleetStop[0].payload["transactionId"] == 2000)
        #expect(emsStop[0].payload["transactionId"] == 3000)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a charge point that reconnects mid-transaction keeps its transaction ids and owner")
    func reconnectMidTransaction() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let first = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let start = try await first.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        try await harness.waitForCalls("ems", "StartTransaction")
        try await Task.sleep(for: .milliseconds(50))
        await first.stop()
        for name in E2EPolicy.backends {
            try await waitUntil("\(name) to see CP-1 go") { !harness.backendConnected(name) }
        }

        let second = try await harness.chargePoint()
        let stop = try await second.call("StopTransaction", E2EPolicy.stop(2000))
        #expect(stop.resultPayload?["idTagInfo"]?["status"] == "Accepted", "\(stop)")
        let fleetStop = try await harness.waitForCalls("fleet", "StopTransaction")
        let emsStop = try await harness.waitForCalls("ems", "StopTransaction")
        #expect(fleetStop[0].payload["transactionId"] == 2000)
        #expect(emsStop[0].payload["transactionId"] == 3000)
        // Each backend got the boot again (replayed from the snapshot) before the stop.
        for name in ["fleet", "ems"] {
            #expect(harness.actions(name) == ["BootNotification", "StartTransaction", "BootNotification", "StopTransaction"], "\(name)")
        }
        #expect(!harness.actions("billing").contains("StopTransaction"))
        await second.stop()
        await harness.stop()
    }

    @Test("a target that missed the start has no id of its own: MeterValues reach it without one, StopTransaction not at all")
    func targetMissedTheStart() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        await harness.stopBackend("ems")
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        try await harness.startBackend("ems")
        try await harness.waitForCalls("ems", "BootNotification", count: 2)
        try await Task.sleep(for: .milliseconds(50))

        _ = try await chargePoint.call("MeterValues", E2EPolicy.meterValues(2000))
        let meter = try await harness.waitForCalls("ems", "MeterValues")
        #expect(meter[0].payload["transactionId"] == nil)
        #expect(meter[0].payload["connectorId"] == 1)
        #expect(schemaViolations("MeterValues", meter[0].payload).isEmpty)
        let stop = try await chargePoint.call("StopTransaction", E2EPolicy.stop(2000))
        #expect(stop.resultPayload != nil, "\(stop)")
        try await harness.waitForCalls("fleet", "StopTransaction")
        try await Task.sleep(for: .milliseconds(100))
        #expect(harness.actions("ems") == ["BootNotification", "BootNotification", "MeterValues"])
        await chargePoint.stop()
        await harness.stop()
    }
}
