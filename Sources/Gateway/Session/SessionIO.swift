import OCPP

/// Something that happened to a charge point's session: a text from a peer, a link going up or
/// down, or time passing. The transport feeds these to ``ChargePointSession/handle(_:)``.
public enum SessionInput: Sendable, Equatable {
    /// A WebSocket text message from the charge point.
    case chargePointText(String)
    /// A WebSocket text message from backend `backend` (the policy's backend index).
    case backendText(backend: Int, String)
    /// The link to backend `index` is up (connected as this charge point).
    case backendConnected(Int)
    /// The link to backend `index` is down.
    case backendDisconnected(Int)
    /// Time passed: expire calls and re-send BootNotifications that are due. `now` is in seconds
    /// since 1970, on the same clock as ``SessionSettings/clock``.
    case tick(now: Double)
}

/// One side of a session.
public enum SessionPeer: Sendable, Hashable, CustomStringConvertible {
    /// The charge point.
    case chargePoint
    /// Backend `index`.
    case backend(Int)

    /// `charge-point` or `backend-<index>`.
    public var description: String {
        switch self {
        case .chargePoint: "charge-point"
        case .backend(let index): "backend-\(index)"
        }
    }
}

/// What the transport must do after an input: send texts, and log.
///
/// Effects come in the order they must happen; sends to one peer keep their order.
public enum SessionEffect: Sendable, Equatable {
    /// Send this text to the charge point.
    case sendToChargePoint(String)
    /// Send this text to backend `index`.
    case sendToBackend(Int, String)
    /// Log one decision (one per CALL, either direction).
    case decision(DecisionRecord)
    /// A backend's answer that nobody waits for by design (a copy's answer, the answer to a
    /// replayed BootNotification); log it.
    case consumed(backend: Int, text: String)
    /// A charge-point call (redacted and translated for `backend`) that the backend did not get
    /// because its link was down, or went down while the call was held for it. Logged today; the
    /// seam where a durable queue will keep it for delivery after the backend reconnects.
    case notDelivered(backend: Int, action: String, payload: JSONValue, reason: String)
    /// Something was dropped: an answer with an unknown or already answered id, a call that timed
    /// out, a message a backend could not be sent. Log it with `reason`.
    case ignored(from: SessionPeer, text: String, reason: String)
}
