/// Who may send an action as a CALL.
public enum MessageDirection: String, Sendable, Hashable, CaseIterable {
    /// The charge point (2.0.1: charging station) calls the backend (central system / CSMS).
    case chargePointToBackend
    /// The backend calls the charge point.
    case backendToChargePoint
    /// Either side may call (DataTransfer).
    case both

    /// Whether a CALL sent by the charge point may carry this action.
    public var chargePointMaySend: Bool { self != .backendToChargePoint }
    /// Whether a CALL sent by a backend may carry this action.
    public var backendMaySend: Bool { self != .chargePointToBackend }
}
