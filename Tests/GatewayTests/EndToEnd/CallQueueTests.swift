import Foundation
import Gateway
import NIOConcurrencyHelpers
import NIOCore
import OCPP
import Testing

/// Bullet 4: one outstanding CALL per direction; backends' calls queue; a silent charge point
/// times them out one by one.
@Suite("end to end: one call at a time", .timeLimit(.minutes(1)))
struct CallQueueTests {
    /// What the charge point saw and did, in order, with when.
    final class Recorder: Sendable {
        let events = NIOLockedValueBox<[(event: SimulatorEvent, at: ContinuousClock.Instant)]>([])
        func record(_ event: SimulatorEvent) { events.withLockedValue { $0.append((event, .now)) } }

        /// `in:<id>` for calls received, `out:<id>` for answers sent.
        var calls: [String] {
            events.withLockedValue { events in
                events.compactMap { entry in
                    switch entry.event {
                    case .received(_, _, .call(let id, _, _)): "in:\(id)"
                    // Only answers: the charge point's own calls are sent events too.
                    case .sent(_, _, .callResult(let id, _)), .sent(_, _, .callError(let id, _, _, _)): "out:\(id)"
                    default: nil
                    }
                }
            }
        }

        func receivedCallTimes() -> [ContinuousClock.Instant] {
            events.withLockedValue { events in
                events.compactMap { entry in
                    if case .received(_, _, .call) = entry.event { return entry.at }
                    return nil
                }
            }
        }
    }

    @Test("calls of three backends reach the charge point one at a time; each backend gets its own answer")
    func queued() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let recorder = Recorder()
        let behaviour = SimulatedChargePoint.Behaviour(answerDelay: .milliseconds(200)) { action, payload in
            action == "GetConfiguration" ? ["unknownKey": payload["key"] ?? []] : nil
        }
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends, behaviour: behaviour,
                                                              onEvent: recorder.record)
        let began = ContinuousClock.now
        async let billing = harness.backend("billing").call("GetConfiguration", payload: ["key": ["B"]], to: "CP-1")
        async let fleet = harness.backend("fleet").call("GetConfiguration", payload: ["key": ["F"]], to: "CP-1")
        async let ems = harness.backend("ems").call("GetConfiguration", payload: ["key": ["E"]], to: "CP-1")
        // Meanwhile the charge point's own call goes out at once: the directions are independent.
        let own = try await chargePoint.call("StatusNotification", E2EPolicy.status, messageId: "own-1")
        #expect(own.resultPayload != nil, "\(own)")
        #expect(recorder.calls.filter { $0.hasPrefix("out:") }.count <= 1, "\(recorder.calls)")
        let answers = try await [billing, fleet, ems]
        #expect(ContinuousClock.now - began >= .milliseconds(600))  // three answers of 200 ms each, in turn

        #expect(answers[0] == .callResult(id: "billing-1", payload: ["unknownKey": ["B"]]))
        #expect(answers[1] == .callResult(id: "fleet-1", payload: ["unknownKey": ["F"]]))
        #expect(answers[2] == .callResult(id: "ems-1", payload: ["unknownKey": ["E"]]))
        // Never two calls open at the charge point: in, out, in, out, in, out.
        let order = recorder.calls
        #expect(order.count == 6)
        for (index, entry) in order.enumerated() {
            #expect(entry.hasPrefix(index.isMultiple(of: 2) ? "in:" : "out:"), "\(order)")
            if !index.isMultiple(of: 2) { #expect(entry.dropFirst(4) == order[index - 1].dropFirst(3), "\(order)") }
        }
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a charge point that never answers: each backend gets a CALLERROR after the call timeout, calls never overlap")
    func silentChargePoint() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, callTimeout: 2)
        let recorder = Recorder()
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends,
                                                              behaviour: .init(silent: true), onEvent: recorder.record)
        let began = ContinuousClock.now
        async let billing = harness.backend("billing").call("GetConfiguration", payload: .object(JSONObject()), to: "CP-1", timeout: 15)
        async let ems = harness.backend("ems").call("ChangeConfiguration", payload: ["key": "HeartbeatInterval", "value": "60"],
                                                    to: "CP-1", timeout: 15)
        let (billingAnswer, emsAnswer) = try await (billing, ems)
        let elapsed = ContinuousClock.now - began
        #expect(billingAnswer.messageId == "billing-1")
        #expect(billingAnswer.errorCode == "GenericError", "\(billingAnswer)")
        #expect(billingAnswer.errorDescription?.contains("did not answer within 2 s") == true, "\(billingAnswer)")
        #expect(emsAnswer.messageId == "ems-1")
        #expect(emsAnswer.errorCode == "GenericError", "\(emsAnswer)")
        #expect(elapsed >= .seconds(4) && elapsed < .seconds(12), "\(elapsed)")

        // The second call reached the charge point only once the first had timed out.
        let calls = chargePoint.receivedCalls
        #expect(calls.compactMap(\.action).sorted() == ["ChangeConfiguration", "GetConfiguration"])
        let times = recorder.receivedCallTimes()
        #expect(times.count == 2)
        if times.count == 2 { #expect(times[1] - times[0] >= .milliseconds(1900)) }
        // A late answer to the timed-out call goes nowhere.
        chargePoint.send(raw: OCPPFrame.callResult(id: calls[0].messageId, payload: ["configurationKey": []]).serialized)
        try await Task.sleep(for: .milliseconds(100))
        for name in ["billing", "ems"] { #expect(harness.frames(name).filter { !$0.isCall }.count == 1, "\(name)") }
        await chargePoint.stop()
        await harness.stop()
    }
}
