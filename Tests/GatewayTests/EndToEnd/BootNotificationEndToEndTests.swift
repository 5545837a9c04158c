import Foundation
import Gateway
import OCPP
import Testing

/// Bullet 11: the BootNotification is kept and sent first to a backend that connects later or
/// reconnects; a backend answering Pending or Rejected gets nothing else while the others carry on.
@Suite("end to end: BootNotification", .timeLimit(.minutes(1)))
struct BootNotificationEndToEndTests {
    @Test("a backend that starts after the charge point booted gets the BootNotification first")
    func lateBackend() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends,
                                options: ["ems": .init(startLater: true)])
        let chargePoint = try await harness.chargePoint()
        let boot = try await chargePoint.call("BootNotification", GatewayHarness.bootPayload)
        #expect(boot.resultPayload?["status"] == "Accepted", "\(boot)")
        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        #expect(harness.actions("ems").isEmpty)

        try await harness.startBackend("ems")
        let replayed = try await harness.waitForCalls("ems", "BootNotification")
        // ems's own view: the serial number dropped, the rest as the charge point sent it.
        #expect(replayed[0].payload == ["chargePointModel": "M", "chargePointVendor": "V"])
        try await Task.sleep(for: .milliseconds(50))
        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        try await harness.waitForCalls("ems", "StatusNotification")
        #expect(harness.actions("ems") == ["BootNotification", "StatusNotification"])
        #expect(harness.actions("billing") == ["BootNotification", "StatusNotification", "StatusNotification"])
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a backend that restarts gets the BootNotification again before anything else")
    func reconnectingBackend() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        await harness.stopBackend("fleet")
        try await harness.startBackend("fleet")
        try await harness.waitForCalls("fleet", "BootNotification", count: 2)
        try await Task.sleep(for: .milliseconds(50))
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        #expect(harness.actions("fleet") == ["BootNotification", "BootNotification", "StartTransaction"])
        let boots = harness.calls("fleet").filter { $0.action == "BootNotification" }
        #expect(boots[0].payload == boots[1].payload)
        #expect(boots[0].id != boots[1].id)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("backends answering Pending and Rejected get nothing else; the others carry on")
    func pendingAndRejected() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends,
                                options: ["fleet": .init(bootStatus: "Rejected"), "ems": .init(bootStatus: "Pending")])
        let chargePoint = try await harness.chargePoint()
        let boot = try await chargePoint.call("BootNotification", GatewayHarness.bootPayload)
        #expect(boot.resultPayload?["status"] == "Accepted")  // billing, the primary
        for name in E2EPolicy.backends { try await harness.waitForCalls(name, "BootNotification") }
        try await Task.sleep(for: .milliseconds(50))

        let status = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        #expect(status.resultPayload == .object(JSONObject()), "\(status)")
        let billingStart = try await chargePoint.call("StartTransaction", E2EPolicy.start("USER-1"))
        #expect(billingStart.resultPayload?["transactionId"] == 1000, "\(billingStart)")
        // fleet (Rejected) owns FLEET-7: its transaction cannot start.
        let fleetStart = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7", connector: 2))
        #expect(fleetStart.errorCode == "InternalError", "\(fleetStart)")
        #expect(fleetStart.errorDescription?.contains("Rejected") == true, "\(fleetStart)")
        try await Task.sleep(for: .milliseconds(100))
        #expect(harness.actions("billing") == ["BootNotification", "StatusNotification", "StartTransaction"])
        #expect(harness.actions("fleet") == ["BootNotification"])
        #expect(harness.actions("ems") == ["BootNotification"])

        // Their calls: Rejected passes nothing; Pending only what OCPP allows then.
        let fleetCall = try await harness.backend("fleet").call("GetConfiguration", payload: .object(JSONObject()), to: "CP-1")
        #expect(fleetCall.errorCode == "GenericError", "\(fleetCall)")
        let emsProfile = try await harness.backend("ems").call("SetChargingProfile", payload: E2EPolicy.chargingProfile(transactionId: 1),
                                                               to: "CP-1")
        #expect(emsProfile.errorCode == "GenericError", "\(emsProfile)")
        let emsConfig = try await harness.backend("ems").call("GetConfiguration", payload: .object(JSONObject()), to: "CP-1")
        #expect(emsConfig.resultPayload != nil, "\(emsConfig)")
        #expect(chargePoint.receivedCalls.compactMap(\.action) == ["GetConfiguration"])
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a Pending backend gets the boot again after its interval, and what it triggers, nothing else")
    func pendingRetriesAndTriggers() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard + "\nallow all TriggerMessage", backends: E2EPolicy.backends,
                                options: ["ems": .init(bootStatus: "Pending", heartbeatInterval: 1)])
        let chargePoint = try await harness.chargePoint()
        let boot = try await chargePoint.call("BootNotification", GatewayHarness.bootPayload)
        #expect(boot.resultPayload?["status"] == "Accepted", "\(boot)")
        try await harness.waitForCalls("ems", "BootNotification")
        try await Task.sleep(for: .milliseconds(50))

        let trigger = try await harness.backend("ems").call("TriggerMessage", payload: ["requestedMessage": "StatusNotification"],
                                                            to: "CP-1")
        #expect(trigger.resultPayload?["status"] == "Accepted", "\(trigger)")
        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        _ = try await chargePoint.call("StartTransaction", E2EPolicy.start("USER-1"))
        for name in ["billing", "fleet"] { try await harness.waitForCalls(name, "StatusNotification", count: 2) }
        // The boot is due again after ems's interval of 1 s.
        try await harness.waitForCalls("ems", "BootNotification", count: 2, timeout: .seconds(4))
        let ems = harness.actions("ems")
        #expect(ems.filter { $0 == "StatusNotification" }.count == 1, "\(ems)")
        #expect(Set(ems) == ["BootNotification", "StatusNotification"], "\(ems)")
        #expect(ems.first == "BootNotification")
        await chargePoint.stop()
        await harness.stop()
    }
}
