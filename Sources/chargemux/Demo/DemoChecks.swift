import Gateway
import OCPP

/// What the demo expected and did not see, step by step.
final class DemoChecks: @unchecked Sendable {
    // @unchecked: used by the demo's one task only.
    private(set) var deviations: [String] = []
    private var step = 0

    /// Later deviations belong to step `number`.
    func begin(step number: Int) { step = number }

    /// Records a deviation when `condition` is false.
    func expect(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { deviations.append((step == 0 ? "before the first step: " : "step \(step): ") + what()) }
    }
}

/// The demo's view of what the simulators got, for its checks.
struct DemoObservations {
    let systems: [String: SimulatedCentralSystem]
    let recorder: DemoRecorder

    /// The calls `backend` received, as (action, payload), oldest first.
    func calls(_ backend: String) -> [(action: String, payload: JSONValue)] {
        (systems[backend]?.received ?? []).compactMap { received in
            if case .call(_, let action, let payload) = received.frame { return (action, payload) }
            return nil
        }
    }

    /// The last call of `action` that `backend` received.
    func last(_ action: String, at backend: String) -> JSONValue? {
        calls(backend).last { $0.action == action }?.payload
    }

    /// How many calls of `action` `backend` received.
    func count(_ action: String, at backend: String) -> Int {
        calls(backend).filter { $0.action == action }.count
    }

    /// The transaction id `backend` last assigned in its answers (from `mark` on).
    func lastAssignedTransactionId(by backend: String, since mark: Int = 0) -> Int? {
        recorder.since(mark).reversed().lazy.compactMap { event -> Int? in
            guard case .simulator(.sent(let sender, _, .callResult(_, let payload))) = event, sender == backend else { return nil }
            return payload["transactionId"]?.intValue
        }.first
    }

    /// The decisions of the gateway from `mark` on.
    func decisions(since mark: Int) -> [DecisionLine] {
        recorder.since(mark).compactMap { if case .gateway(.decision(let line)) = $0 { line } else { nil } }
    }

    /// Whether every backend the first decision from `mark` on sent the call to has answered it
    /// (true when there is no decision yet to go by).
    func everyTargetAnswered(since mark: Int) -> Bool {
        let events = recorder.since(mark)
        guard let decision = events.lazy.compactMap({ if case .gateway(.decision(let line)) = $0 { line } else { nil } }).first
        else { return true }
        return decision.targets.filter { systems[$0] != nil }.allSatisfy { target in
            events.contains { event in
                guard case .simulator(.sent(let sender, _, let frame)) = event, sender == target else { return false }
                if case .call = frame { return false }
                return true
            }
        }
    }

    /// The calls the charge point received from `mark` on.
    func chargePointCalls(since mark: Int) -> [(action: String, payload: JSONValue)] {
        recorder.since(mark).compactMap { event in
            guard case .simulator(.received(let receiver, _, .call(_, let action, let payload))) = event,
                  receiver == DemoSite.chargePointId else { return nil }
            return (action, payload)
        }
    }

    /// Whether the charge point lost its connection from `mark` on.
    func chargePointDisconnected(since mark: Int) -> Bool {
        recorder.since(mark).contains { event in
            if case .simulator(.disconnected(let simulator, _)) = event { return simulator == DemoSite.chargePointId }
            return false
        }
    }

    /// The gateway's log events about `backend`'s link from `mark` on.
    func linkEvents(_ backend: String, since mark: Int) -> [GatewayLogEvent] {
        recorder.since(mark).compactMap { event -> GatewayLogEvent? in
            guard case .gateway(let log) = event else { return nil }
            switch log {
            case .backendConnected(let name), .backendDisconnected(let name), .attemptFailed(let name),
                 .reconnectScheduled(let name, _, _):
                return name == backend ? log : nil
            default: return nil
            }
        }
    }
}
