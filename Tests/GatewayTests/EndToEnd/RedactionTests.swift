import Foundation
import Gateway
import OCPP
import Testing

/// Bullet 10: redactions per target, to the charge point's calls and to its answers to that
/// backend's calls; every forwarded payload stays schema-valid.
@Suite("end to end: redaction", .timeLimit(.minutes(1)))
struct RedactionTests {
    static let policy = """
        policy "e2e" for ocpp 1.6
        primary billing
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route BootNotification, StatusNotification to all
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        route StartTransaction, StopTransaction to ems
        route Authorize to ems
        redact idTag in StartTransaction for ems as hash
        redact idTag in Authorize, StopTransaction for ems as mask
        redact chargeBoxSerialNumber in BootNotification for ems as drop
        redact value in GetConfiguration for ems as mask
        allow all GetConfiguration
        """

    /// The charge point reports a serial number in its configuration.
    static let behaviour = SimulatedChargePoint.Behaviour { action, _ in
        action == "GetConfiguration" ? ["configurationKey": [["key": "MeterSerial", "readonly": true, "value": "SERIAL-123456"]]] : nil
    }

    @Test("each backend gets its own view of the charge point's calls, all schema-valid")
    func calls() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: Self.policy, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        _ = try await chargePoint.call("Authorize", ["idTag": "FLEET-0042"])
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-0042"))
        let transactionId = try #require(start.resultPayload?["transactionId"]?.intValue)
        try await harness.waitForCalls("ems", "StartTransaction")
        try await Task.sleep(for: .milliseconds(50))
        _ = try await chargePoint.call("StopTransaction", E2EPolicy.stop(transactionId, idTag: "FLEET-0042"))
        try await harness.waitForCalls("ems", "StopTransaction")

        // fleet (the owner) sees the idTag; ems a hash in StartTransaction and a mask elsewhere.
        let fleet = harness.calls("fleet")
        #expect(fleet.map(\.action) == ["BootNotification", "Authorize", "StartTransaction", "StopTransaction"])
        #expect(fleet.dropFirst().allSatisfy { $0.payload["idTag"] == "FLEET-0042" })
        #expect(fleet[0].payload["chargeBoxSerialNumber"] == "BOX-0042")
        let ems = harness.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "Authorize", "StartTransaction", "StopTransaction"])
        #expect(ems[0].payload["chargeBoxSerialNumber"] == nil)
        #expect(ems[0].payload["chargePointVendor"] == "V")
        #expect(ems[1].payload["idTag"] == "******0042")
        let hashed = try #require(ems[2].payload["idTag"]?.stringValue)
        #expect(hashed != "FLEET-0042" && hashed.count == 20, "\(hashed)")
        #expect(hashed.allSatisfy { $0.isHexDigit && !$0.isLowercase }, "\(hashed)")
        #expect(ems[3].payload["idTag"] == "******0042")
        #expect(harness.calls("billing")[0].payload["chargeBoxSerialNumber"] == "BOX-0042")
        // The other fields are untouched.
        #expect(ems[2].payload["meterStart"] == 0 && ems[2].payload["connectorId"] == 1)

        for name in E2EPolicy.backends {
            for call in harness.calls(name) {
                #expect(schemaViolations(call.action, call.payload).isEmpty, "\(name) \(call.action): \(schemaViolations(call.action, call.payload))")
            }
        }
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("the charge point's answer is redacted for the backend that asked, and only for it")
    func answers() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: Self.policy, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends, behaviour: Self.behaviour)
        let emsAnswer = try await harness.backend("ems").call("GetConfiguration", payload: ["key": ["MeterSerial"]], to: "CP-1")
        let billingAnswer = try await harness.backend("billing").call("GetConfiguration", payload: ["key": ["MeterSerial"]], to: "CP-1")
        let emsKeys = try #require(emsAnswer.resultPayload?["configurationKey"]?.arrayValue)
        let billingKeys = try #require(billingAnswer.resultPayload?["configurationKey"]?.arrayValue)
        #expect(emsKeys.first?["value"] == "*********3456")
        #expect(emsKeys.first?["key"] == "MeterSerial")
        #expect(billingKeys.first?["value"] == "SERIAL-123456")
        for answer in [emsAnswer, billingAnswer] {
            let payload = try #require(answer.resultPayload)
            #expect(schemaViolations("GetConfiguration", payload, response: true).isEmpty)
        }
        // The charge point was asked the same both times.
        #expect(chargePoint.receivedCalls.map(\.payload) == [["key": ["MeterSerial"]], ["key": ["MeterSerial"]]])
        await chargePoint.stop()
        await harness.stop()
    }
}
