import Foundation
import Gateway
import OCPP
import Testing

/// Bullet 2: charge-point calls go to the policy's targets; exactly one answer, the responder's.
@Suite("end to end: routing", .timeLimit(.minutes(1)))
struct RoutingTests {
    /// Each backend answers BootNotification with its own interval, which tells the responder.
    static let intervals: [String: GatewayHarness.BackendOptions] = [
        "billing": .init(heartbeatInterval: 101), "fleet": .init(heartbeatInterval: 202), "ems": .init(heartbeatInterval: 303),
    ]

    @Test("calls reach exactly the policy's targets; the charge point gets one answer, the responder's")
    func targetsAndResponder() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, options: Self.intervals)
        let chargePoint = try await harness.chargePoint()
        let boot = try await chargePoint.call("BootNotification", GatewayHarness.bootPayload, messageId: "boot-1")
        #expect(boot.resultPayload?["interval"] == 101)  // primary billing answers
        for name in E2EPolicy.backends { try await harness.waitForCalls(name, "BootNotification") }

        // to all: every backend, billing (primary) answers
        let status = try await chargePoint.call("StatusNotification", E2EPolicy.status, messageId: "status-1")
        #expect(status == .callResult(id: "status-1", payload: .object(JSONObject())))
        // to gateway: no backend
        let heartbeat = try await chargePoint.call("Heartbeat", .object(JSONObject()), messageId: "hb-1")
        #expect(heartbeat.resultPayload?["currentTime"]?.stringValue != nil, "\(heartbeat)")
        // to owner (fleet) and ems: fleet answers with its id
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"), messageId: "start-1")
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        // to owner only: billing owns USER-1
        let authorize = try await chargePoint.call("Authorize", ["idTag": "USER-1"], messageId: "auth-1")
        #expect(authorize.resultPayload?["idTagInfo"]?["status"] == "Accepted", "\(authorize)")
        for name in E2EPolicy.backends { try await harness.waitForCalls(name, "StatusNotification") }
        try await harness.waitForCalls("ems", "StartTransaction")
        try await Task.sleep(for: .milliseconds(150))  // room for a stray second answer

        #expect(harness.actions("billing") == ["BootNotification", "StatusNotification", "Authorize"])
        #expect(harness.actions("fleet") == ["BootNotification", "StatusNotification", "StartTransaction"])
        #expect(harness.actions("ems") == ["BootNotification", "StatusNotification", "StartTransaction"])
        #expect(harness.calls("billing").last?.payload == ["idTag": "USER-1"])
        #expect(harness.calls("fleet").last?.payload == E2EPolicy.start("FLEET-7"))
        #expect(harness.calls("ems").last?.payload["idTag"] == "fleet")

        // Exactly one answer per call, with the charge point's own id, and nothing else.
        for id in ["boot-1", "status-1", "hb-1", "start-1", "auth-1"] {
            #expect(chargePoint.answers(to: id).count == 1, "\(id)")
        }
        #expect(chargePoint.receivedFrames.count == 5)
        #expect(chargePoint.receivedCalls.isEmpty)
        // ems's answer (its own transaction id 3000) and the boot answers of fleet and ems were consumed.
        #expect(!chargePoint.receivedFrames.contains { $0.resultPayload?["transactionId"] == 3000 })
        #expect(!chargePoint.receivedFrames.contains { $0.resultPayload?["interval"] == 202 || $0.resultPayload?["interval"] == 303 })
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a call no rule routes is answered NotSupported by the gateway and reaches no backend")
    func unrouted() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let answer = try await chargePoint.call("DataTransfer", ["vendorId": "com.example"], messageId: "dt-1")
        #expect(answer.messageId == "dt-1")
        #expect(answer.errorCode == "NotSupported", "\(answer)")
        try await Task.sleep(for: .milliseconds(100))
        for name in E2EPolicy.backends { #expect(harness.actions(name) == ["BootNotification"], "\(name)") }
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a responder's CALLERROR reaches the charge point with the charge point's id; a copy's is consumed")
    func responderCallError() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends,
                                options: ["fleet": .init(silent: true), "ems": .init(silent: true)])
        let chargePoint = try await harness.chargePoint()
        async let boot = chargePoint.call("BootNotification", GatewayHarness.bootPayload)
        for name in ["fleet", "ems"] {
            let leg = try await harness.waitForCalls(name, "BootNotification")[0]
            let accepted: JSONValue = ["status": "Accepted", "currentTime": "2026-11-21T08:00:00Z", "interval": 300]
            harness.backend(name).send(raw: OCPPFrame.callResult(id: leg.id, payload: accepted).serialized, to: "CP-1")
        }
        _ = try await boot
        async let start = chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"), messageId: "start-9")
        let fleetLeg = try await harness.waitForCalls("fleet", "StartTransaction")[0]
        let emsLeg = try await harness.waitForCalls("ems", "StartTransaction")[0]
        harness.backend("ems").send(raw: OCPPFrame.callError(id: emsLeg.id, code: "InternalError", description: "ems is busy",
                                                             details: .object(JSONObject())).serialized, to: "CP-1")
        harness.backend("fleet").send(raw: OCPPFrame.callError(id: fleetLeg.id, code: "GenericError", description: "fleet says no",
                                                               details: .object(JSONObject())).serialized, to: "CP-1")
        let answer = try await start
        #expect(answer == .callError(id: "start-9", code: "GenericError", description: "fleet says no", details: .object(JSONObject())))
        try await Task.sleep(for: .milliseconds(100))
        #expect(chargePoint.answers(to: "start-9").count == 1)
        await chargePoint.stop()
        await harness.stop()
    }
}
