import Foundation
import Gateway
import NIOCore
import OCPP
import Testing

/// Bullet 3: every leg carries the gateway's own message ids.
@Suite("end to end: message ids", .timeLimit(.minutes(1)))
struct MessageIdEndToEndTests {
    /// The charge point answers GetConfiguration with the keys it was asked for as unknown, so
    /// each answer says whose call it was.
    static let echoKeys = SimulatedChargePoint.Behaviour(answerDelay: .milliseconds(150)) { action, payload in
        action == "GetConfiguration" ? ["unknownKey": payload["key"] ?? []] : nil
    }

    @Test("two backends calling with the same id at once, while the charge point uses it too, each get their own answer")
    func sameIdFromTwoBackends() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends, behaviour: Self.echoKeys)
        let sharedId = "shared-1"
        async let billing = harness.backend("billing").call("GetConfiguration", payload: ["key": ["BillingKey"]], to: "CP-1",
                                                            messageId: sharedId)
        async let ems = harness.backend("ems").call("GetConfiguration", payload: ["key": ["EmsKey"]], to: "CP-1",
                                                    messageId: sharedId)
        async let own = chargePoint.call("StatusNotification", E2EPolicy.status, messageId: sharedId)
        let (billingAnswer, emsAnswer, ownAnswer) = try await (billing, ems, own)

        #expect(billingAnswer == .callResult(id: sharedId, payload: ["unknownKey": ["BillingKey"]]))
        #expect(emsAnswer == .callResult(id: sharedId, payload: ["unknownKey": ["EmsKey"]]))
        #expect(ownAnswer == .callResult(id: sharedId, payload: .object(JSONObject())))

        // The charge point got two calls with ids of the gateway's, distinct and not the backends'.
        let calls = chargePoint.receivedCalls
        #expect(calls.count == 2)
        #expect(Set(calls.map(\.messageId)).count == 2)
        #expect(!calls.contains { $0.messageId == sharedId })
        // Each backend got the charge point's StatusNotification with an id of the gateway's, not the charge point's.
        var legIds: [String] = []
        for name in E2EPolicy.backends {
            let statuses = try await harness.waitForCalls(name, "StatusNotification")
            legIds.append(statuses[0].id)
        }
        #expect(!legIds.contains(sharedId))
        #expect(!legIds.contains { id in calls.contains { $0.messageId == id } })
        // Each backend got exactly one answer to its call, and fleet none.
        try await Task.sleep(for: .milliseconds(100))
        for name in ["billing", "ems"] {
            #expect(harness.frames(name).filter { !$0.isCall }.count == 1, "\(name)")
        }
        #expect(harness.frames("fleet").allSatisfy { $0.isCall })
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("the charge point's ids never reach a backend, even when two calls of the charge point reuse one id in turn")
    func chargePointIdsStayLocal() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        for _ in 0..<2 {
            let answer = try await chargePoint.call("StatusNotification", E2EPolicy.status, messageId: "same")
            #expect(answer.messageId == "same")
        }
        for name in E2EPolicy.backends {
            let statuses = try await harness.waitForCalls(name, "StatusNotification", count: 2)
            #expect(Set(statuses.map(\.id)).count == 2, "\(name)")
            #expect(!statuses.contains { $0.id == "same" }, "\(name)")
        }
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("the charge point's CALLERROR to a backend's call reaches that backend with its own id and the code unchanged")
    func callErrorAnswer() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends, behaviour: .init(silent: true))
        async let answer = harness.backend("billing").call("Reset", payload: ["type": "Hard"], to: "CP-1", messageId: "reset-42")
        let call = try await waitFor("the Reset at the charge point") { chargePoint.receivedCalls.first }
        #expect(call.messageId != "reset-42")
        chargePoint.send(raw: OCPPFrame.callError(id: call.messageId, code: "NotSupported", description: "no hard resets here",
                                                  details: .object(JSONObject())).serialized)
        let result = try await answer
        #expect(result == .callError(id: "reset-42", code: "NotSupported", description: "no hard resets here", details: .object(JSONObject())))
        await chargePoint.stop()
        await harness.stop()
    }
}
