import Foundation
import Gateway
import OCPP
import Testing

@Suite("end to end: transactions", .timeLimit(.minutes(1)))
struct TransactionFlowTests {
    static let policy = """
        policy "e2e" for ocpp 1.6
        primary billing
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route BootNotification, StatusNotification to all
        route Heartbeat to gateway
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        route StartTransaction, StopTransaction, MeterValues to ems
        redact idTag for ems as owner
        allow ems SetChargingProfile
        """

    @Test("a fleet transaction: the owner answers, ems gets copies with its own ids and no idTag")
    func fleetTransaction() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: Self.policy, backends: ["billing", "fleet", "ems"])
        let chargePoint = try await harness.chargePoint()
        let boot = try await chargePoint.call("BootNotification", ["chargePointModel": "M", "chargePointVendor": "V"])
        guard case .callResult(_, let bootAnswer) = boot else { Issue.record("boot: \(boot)"); return }
        #expect(bootAnswer["status"] == "Accepted")
        let start = try await chargePoint.call("StartTransaction", [
            "connectorId": 1, "idTag": "FLEET-7", "meterStart": 0, "timestamp": "2026-11-21T08:00:00Z",
        ])
        guard case .callResult(_, let started) = start, let transactionId = started["transactionId"]?.intValue else {
            Issue.record("start: \(start)"); return
        }
        #expect(transactionId == 2000)  // fleet's own first id: fleet answered
        _ = try await chargePoint.call("MeterValues", [
            "connectorId": 1, "transactionId": .integer(transactionId),
            "meterValue": [["timestamp": "2026-11-21T08:10:00Z", "sampledValue": [["value": "1500"]]]],
        ])
        let stop = try await chargePoint.call("StopTransaction", [
            "meterStop": 3000, "timestamp": "2026-11-21T09:00:00Z", "transactionId": .integer(transactionId),
        ])
        guard case .callResult = stop else { Issue.record("stop: \(stop)"); return }
        try await Task.sleep(for: .milliseconds(200))

        let fleet = harness.calls("fleet")
        #expect(fleet.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(fleet[2].payload["transactionId"] == 2000 && fleet[3].payload["transactionId"] == 2000)
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(ems[1].payload["idTag"] == "fleet")
        #expect(ems[2].payload["transactionId"] == 3000 && ems[3].payload["transactionId"] == 3000)
        #expect(harness.calls("billing").map(\.action) == ["BootNotification"])
        await chargePoint.stop()
        await harness.stop()
    }
}
