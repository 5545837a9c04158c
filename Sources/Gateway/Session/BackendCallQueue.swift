import OCPP

/// Backends' calls waiting for the charge point, one outstanding at a time.
///
/// OCPP-J allows one outstanding CALL per direction (§4.1.1), and several backends share the
/// charge point's one inbound direction: the queue serialises them first come, first served.
struct BackendCallQueue {
    /// An allowed backend call, already rewritten for the charge point.
    struct Call {
        /// Who asked.
        var backend: Int
        /// The backend's own message id, for its answer.
        var backendMessageId: String
        var action: String
        /// The payload as the charge point gets it (transaction ids translated).
        var payload: JSONValue
        /// The owner backend's name of the transaction the call concerns, for `owner` redactions
        /// of the answer.
        var ownerName: String?
    }

    /// The call the charge point is answering now.
    struct InFlight {
        var call: Call
        /// The gateway's id on the charge-point leg.
        var gatewayId: String
        /// When the backend gets a timeout error instead of an answer (seconds since 1970).
        var deadline: Double
    }

    private(set) var waiting: [Call] = []
    private(set) var inFlight: InFlight?

    /// Calls waiting plus the one in flight.
    var count: Int { waiting.count + (inFlight == nil ? 0 : 1) }

    mutating func enqueue(_ call: Call) { waiting.append(call) }

    /// Starts the next waiting call if none is in flight; returns it to be sent.
    mutating func startNext(gatewayId: () -> String, deadline: Double) -> InFlight? {
        guard inFlight == nil, !waiting.isEmpty else { return nil }
        let next = InFlight(call: waiting.removeFirst(), gatewayId: gatewayId(), deadline: deadline)
        inFlight = next
        return next
    }

    /// Ends the call in flight if its gateway id is `gatewayId`.
    mutating func complete(gatewayId: String) -> InFlight? {
        guard let current = inFlight, current.gatewayId == gatewayId else { return nil }
        inFlight = nil
        return current
    }

    /// Ends the call in flight if its deadline has passed.
    mutating func expire(now: Double) -> InFlight? {
        guard let current = inFlight, current.deadline <= now else { return nil }
        inFlight = nil
        return current
    }

    /// Removes the waiting calls of `backend` (its link went down); the one in flight stays, and
    /// its answer is dropped when it comes.
    mutating func removeWaiting(from backend: Int) -> [Call] {
        let removed = waiting.filter { $0.backend == backend }
        waiting.removeAll { $0.backend == backend }
        return removed
    }
}
