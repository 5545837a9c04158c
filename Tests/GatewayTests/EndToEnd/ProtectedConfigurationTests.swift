import Foundation
import Gateway
import OCPP
import Testing

/// Bullet 8: ChangeConfiguration of AuthorizationKey or SecurityProfile is refused from every
/// backend, whatever the policy allows (`allow all ... ChangeConfiguration`).
@Suite("end to end: protected configuration keys", .timeLimit(.minutes(1)))
struct ProtectedConfigurationTests {
    @Test("AuthorizationKey and SecurityProfile cannot be changed through the gateway", arguments: ["AuthorizationKey", "SecurityProfile", "authorizationkey"])
    func refused(key: String) async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        for name in E2EPolicy.backends {
            let answer = try await harness.backend(name).call("ChangeConfiguration", payload: ["key": .string(key), "value": "0123456789abcdef"],
                                                              to: "CP-1")
            #expect(answer.messageId == "\(name)-1")
            #expect(answer.errorCode == "SecurityError", "\(name): \(answer)")
            #expect(answer.errorDescription?.contains("`\(key)`") == true, "\(name): \(answer)")
            #expect(answer.errorDescription?.contains("change it at the gateway") == true, "\(name): \(answer)")
        }
        // Another key passes: the policy does allow ChangeConfiguration.
        let other = try await harness.backend("billing").call("ChangeConfiguration", payload: ["key": "HeartbeatInterval", "value": "60"],
                                                             to: "CP-1")
        #expect(other == .callResult(id: "billing-2", payload: ["status": "Accepted"]))
        #expect(chargePoint.receivedCalls.map(\.payload) == [["key": "HeartbeatInterval", "value": "60"]])
        await chargePoint.stop()
        await harness.stop()
    }
}
