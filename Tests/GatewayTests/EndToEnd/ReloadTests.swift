import Foundation
import Gateway
import OCPP
import Runtime
import Testing

/// Bullet 15: `reload()` with a valid policy takes effect between messages; an invalid one is
/// refused with its diagnostics logged and the old one keeps running.
@Suite("end to end: reload", .timeLimit(.minutes(1)))
struct ReloadTests {
    static let before = """
        policy "before" for ocpp 1.6
        primary billing
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route BootNotification to all
        route StatusNotification to billing
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        allow billing Reset
        allow ems SetChargingProfile
        """

    /// StatusNotification now also goes to ems; ems may Reset; billing may not; FLEET users
    /// belong to billing.
    static let after = """
        policy "after" for ocpp 1.6
        primary billing
        owner billing when idTag matches "FLEET-*"
        owner fleet otherwise
        route BootNotification to all
        route StatusNotification to billing, ems
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        allow ems Reset, SetChargingProfile
        """

    @Test("a valid policy takes effect from the next message on")
    func validReload() async throws {
        let logs = LogCapture()
        let harness = GatewayHarness(logs: logs)
        try await harness.start(policy: Self.before, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        // An open transaction keeps its owner across the reload.
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        let resetBefore = try await harness.backend("ems").call("Reset", payload: ["type": "Soft"], to: "CP-1")
        #expect(resetBefore.errorCode == "SecurityError", "\(resetBefore)")
        let oldHash = harness.server.context.policies.current.policy.sourceHash

        try harness.writePolicy(Self.after)
        harness.server.reload()
        let loaded = harness.server.context.policies.current
        #expect(loaded.generation == 2)
        #expect(loaded.policy.name == "after")
        #expect(loaded.policy.sourceHash != oldHash)

        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        let emsStatus = try await harness.waitForCalls("ems", "StatusNotification")
        #expect(emsStatus.count == 1)
        #expect(harness.calls("billing").filter { $0.action == "StatusNotification" }.count == 2)
        let resetAfter = try await harness.backend("ems").call("Reset", payload: ["type": "Soft"], to: "CP-1")
        #expect(resetAfter.resultPayload?["status"] == "Accepted", "\(resetAfter)")
        let billingReset = try await harness.backend("billing").call("Reset", payload: ["type": "Soft"], to: "CP-1")
        #expect(billingReset.errorCode == "SecurityError", "\(billingReset)")
        // New users follow the new owner rules; the open transaction keeps fleet.
        let authorize = try await chargePoint.call("Authorize", ["idTag": "FLEET-8"])
        #expect(authorize.resultPayload != nil, "\(authorize)")
        #expect(harness.calls("billing").last?.action == "Authorize")
        _ = try await chargePoint.call("StopTransaction", E2EPolicy.stop(2000))
        #expect(harness.actions("fleet").last == "StopTransaction")
        #expect(!harness.actions("billing").contains("StopTransaction"))
        // The decisions now carry the new policy's hash.
        let last = logs.all.last { $0.contains(" decision cp=") && $0.contains("action=StopTransaction") }
        #expect(last?.contains("policy=\(loaded.policy.sourceHash)") == true)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("an invalid policy is refused with its diagnostics logged; the old one keeps running")
    func invalidReload() async throws {
        let logs = LogCapture()
        let harness = GatewayHarness(logs: logs)
        try await harness.start(policy: Self.before, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let before = harness.server.context.policies.current

        try harness.writePolicy(Self.after.replacingOccurrences(of: "route StatusNotification to billing, ems",
                                                                with: "route StatusNotification to billing, nowhere"))
        harness.server.reload()
        let refusal = try #require(logs.all.first { $0.contains("policy reload refused") })
        #expect(refusal.contains("site.policy:6"), "\(refusal)")
        #expect(refusal.contains("nowhere"), "\(refusal)")
        #expect(harness.server.context.policies.current.generation == before.generation)
        #expect(harness.server.context.policies.current.policy.sourceHash == before.policy.sourceHash)

        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        try await harness.waitForCalls("billing", "StatusNotification")
        try await Task.sleep(for: .milliseconds(100))
        #expect(!harness.actions("ems").contains("StatusNotification"))
        let reset = try await harness.backend("billing").call("Reset", payload: ["type": "Soft"], to: "CP-1")
        #expect(reset.resultPayload?["status"] == "Accepted", "\(reset)")
        await chargePoint.stop()
        await harness.stop()
    }

    /// Without ems at all: the gateway does not connect to it for this charge point.
    static let withoutEms = """
        policy "without-ems" for ocpp 1.6
        primary billing
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route BootNotification, StatusNotification to billing, fleet
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        """

    @Test("a backend a reload brings in gets the BootNotification first, then the calls routed to it")
    func reloadAddsBackend() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: Self.withoutEms, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: ["billing", "fleet"])
        #expect(!harness.backendConnected("ems"))

        try harness.writePolicy(Self.withoutEms.replacingOccurrences(of: "to billing, fleet", with: "to all"))
        harness.server.reload()
        #expect(harness.server.context.policies.current.generation == 2)
        // The first message after the reload brings ems in; it is not connected yet for this one.
        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        try await waitUntil("ems to see CP-1") { harness.backendConnected("ems") }
        try await Task.sleep(for: .milliseconds(100))
        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        try await harness.waitForCalls("ems", "StatusNotification")
        #expect(harness.actions("ems") == ["BootNotification", "StatusNotification"])
        let boot = harness.calls("ems").first
        #expect(boot?.payload == GatewayHarness.bootPayload)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a connected backend a reload makes a boot target gets the BootNotification before the next call")
    func reloadAddsBootTarget() async throws {
        let harness = GatewayHarness()
        let before = Self.withoutEms + "\nallow ems GetConfiguration"
        try await harness.start(policy: before, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: ["billing", "fleet"])
        try await waitUntil("ems to see CP-1") { harness.backendConnected("ems") }
        #expect(harness.actions("ems").isEmpty)

        try harness.writePolicy(before.replacingOccurrences(of: "to billing, fleet", with: "to all"))
        harness.server.reload()
        _ = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        try await harness.waitForCalls("ems", "StatusNotification")
        #expect(harness.actions("ems") == ["BootNotification", "StatusNotification"])
        await chargePoint.stop()
        await harness.stop()
    }
}
