import Foundation
import Gateway
import OCPP
import Testing

/// Bullet 12: dropped backends are reconnected with backoff while the charge point stays
/// connected and served; a call whose responder is absent gets a CALLERROR.
@Suite("end to end: backends that drop", .timeLimit(.minutes(1)))
struct BackendReconnectTests {
    @Test("the primary drops: the charge point stays served, calls for it fail fast, and it comes back")
    func primaryDrops() async throws {
        let logs = LogCapture()
        let harness = GatewayHarness(logs: logs)
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, callTimeout: 10)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        await harness.stopBackend("billing")
        try await Task.sleep(for: .milliseconds(100))  // several reconnect attempts fail meanwhile
        #expect(chargePoint.isConnected)

        let began = ContinuousClock.now
        let heartbeat = try await chargePoint.call("Heartbeat", .object(JSONObject()))
        #expect(heartbeat.resultPayload?["currentTime"] != nil, "\(heartbeat)")
        let fleetUser = try await chargePoint.call("Authorize", ["idTag": "FLEET-7"])
        #expect(fleetUser.resultPayload?["idTagInfo"]?["status"] == "Accepted", "\(fleetUser)")
        let billingUser = try await chargePoint.call("Authorize", ["idTag": "USER-1"], messageId: "absent-1")
        #expect(billingUser.messageId == "absent-1")
        #expect(billingUser.errorCode == "InternalError", "\(billingUser)")
        #expect(billingUser.errorDescription == "responder `billing` is not connected", "\(billingUser)")
        let status = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        #expect(status.errorCode == "InternalError")  // billing, the primary, answers it
        #expect(ContinuousClock.now - began < .seconds(2))

        // Meanwhile the gateway kept trying, with backoff (50 ms doubling up to 250 ms here).
        try await waitUntil("two failed attempts to reach billing") {
            logs.all.filter { $0.contains("backend connection attempt failed") && $0.contains("backend=billing") }.count >= 2
        }
        try await harness.startBackend("billing")
        try await harness.waitForCalls("billing", "BootNotification", count: 2, timeout: .seconds(5))
        try await waitUntil("billing to accept the replayed boot") { harness.backendConnected("billing") }
        try await Task.sleep(for: .milliseconds(50))
        let again = try await chargePoint.call("Authorize", ["idTag": "USER-1"])
        #expect(again.resultPayload?["idTagInfo"]?["status"] == "Accepted", "\(again)")
        #expect(harness.actions("billing") == ["BootNotification", "BootNotification", "Authorize"])
        #expect(chargePoint.isConnected)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a responder that drops while a call is open: the charge point gets a CALLERROR at once")
    func responderDropsMidCall() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, callTimeout: 20,
                                options: ["fleet": .init(silent: true)])
        let chargePoint = try await harness.chargePoint()
        _ = try await chargePoint.call("BootNotification", GatewayHarness.bootPayload)
        // fleet never answers its BootNotification: its calls wait behind it.
        async let answer = chargePoint.call("Authorize", ["idTag": "FLEET-7"], messageId: "held-1")
        try await harness.waitForCalls("fleet", "BootNotification")
        try await Task.sleep(for: .milliseconds(100))
        let began = ContinuousClock.now
        await harness.stopBackend("fleet")
        let result = try await answer
        #expect(result.messageId == "held-1")
        #expect(result.errorCode == "InternalError", "\(result)")
        #expect(ContinuousClock.now - began < .seconds(2))
        #expect(chargePoint.isConnected)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a backend that drops while its call is at the charge point: the answer goes nowhere, the next backend's call goes on")
    func askerDropsMidCall() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let behaviour = SimulatedChargePoint.Behaviour(answerDelay: .milliseconds(300))
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends, behaviour: behaviour)
        let billing = harness.backend("billing")
        let asking = Task { try? await billing.call("GetConfiguration", payload: .object(JSONObject()), to: "CP-1") }
        try await waitUntil("the first call at the charge point") { chargePoint.receivedCalls.count == 1 }
        async let ems = harness.backend("ems").call("GetConfiguration", payload: ["key": ["E"]], to: "CP-1")
        try await Task.sleep(for: .milliseconds(50))
        await harness.stopBackend("billing")
        _ = await asking.value
        let emsAnswer = try await ems
        #expect(emsAnswer.messageId == "ems-1")
        #expect(emsAnswer.resultPayload != nil, "\(emsAnswer)")
        #expect(chargePoint.receivedCalls.count == 2)
        #expect(chargePoint.isConnected)
        await chargePoint.stop()
        await harness.stop()
    }
}
