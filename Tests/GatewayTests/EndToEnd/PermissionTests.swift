import Foundation
import Gateway
import OCPP
import Testing

/// Bullet 7: backends' calls are checked against allow/deny before anything reaches the charge
/// point; the answer goes back to the asking backend only.
@Suite("end to end: permissions", .timeLimit(.minutes(1)))
struct PermissionTests {
    @Test("a denied call gets a CALLERROR naming the rule and never reaches the charge point")
    func denied() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        // deny overrides `allow all ... Reset`
        let reset = try await harness.backend("ems").call("Reset", payload: ["type": "Hard"], to: "CP-1")
        #expect(reset.messageId == "ems-1")
        #expect(reset.errorCode == "SecurityError", "\(reset)")
        #expect(reset.errorDescription?.contains("site.policy:\(E2EPolicy.Line.denyEmsReset)") == true, "\(reset)")
        // no allow rule at all: the default deny
        let remoteStart = try await harness.backend("fleet").call("RemoteStartTransaction", payload: ["idTag": "FLEET-7"], to: "CP-1")
        #expect(remoteStart.messageId == "fleet-1")
        #expect(remoteStart.errorCode == "SecurityError", "\(remoteStart)")
        #expect(remoteStart.errorDescription?.contains("default deny") == true, "\(remoteStart)")
        // An allowed call afterwards is the only call the charge point ever sees.
        let allowed = try await harness.backend("billing").call("RemoteStartTransaction", payload: ["idTag": "USER-1"], to: "CP-1")
        #expect(allowed == .callResult(id: "billing-1", payload: ["status": "Accepted"]))
        #expect(chargePoint.receivedCalls.compactMap(\.action) == ["RemoteStartTransaction"])
        #expect(chargePoint.receivedCalls.first?.payload == ["idTag": "USER-1"])
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("the charge point's answer goes back only to the backend that asked")
    func answerToAskerOnly() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let reset = try await harness.backend("billing").call("Reset", payload: ["type": "Soft"], to: "CP-1")
        #expect(reset == .callResult(id: "billing-1", payload: ["status": "Accepted"]))
        let call = try #require(chargePoint.receivedCalls.first)
        #expect(call.action == "Reset")
        #expect(call.payload == ["type": "Soft"])
        #expect(call.messageId != "billing-1")
        try await Task.sleep(for: .milliseconds(100))
        #expect(harness.frames("billing").filter { !$0.isCall } == [reset])
        #expect(harness.frames("fleet").allSatisfy { $0.isCall })
        #expect(harness.frames("ems").allSatisfy { $0.isCall })
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("an allow limited to the transaction's owner: fleet may stop its own transaction by its id, not billing's")
    func ownerCondition() async throws {
        let harness = GatewayHarness()
        let policy = E2EPolicy.standard.replacingOccurrences(of: "allow fleet RemoteStopTransaction",
                                                              with: "allow fleet RemoteStopTransaction when owner == \"fleet\"")
        try await harness.start(policy: policy, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let billingStart = try await chargePoint.call("StartTransaction", E2EPolicy.start("USER-1", connector: 1))
        let fleetStart = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7", connector: 2))
        #expect(billingStart.resultPayload?["transactionId"] == 1000, "\(billingStart)")
        #expect(fleetStart.resultPayload?["transactionId"] == 2000, "\(fleetStart)")
        try await harness.waitForCalls("ems", "StartTransaction", count: 2)
        try await Task.sleep(for: .milliseconds(50))

        let foreign = try await harness.backend("fleet").call("RemoteStopTransaction", payload: ["transactionId": 1000], to: "CP-1")
        #expect(foreign.errorCode == "SecurityError", "\(foreign)")
        let own = try await harness.backend("fleet").call("RemoteStopTransaction", payload: ["transactionId": 2000], to: "CP-1")
        #expect(own.resultPayload?["status"] == "Accepted", "\(own)")
        #expect(chargePoint.receivedCalls.map(\.payload) == [["transactionId": 2000]])
        await chargePoint.stop()
        await harness.stop()
    }
}
