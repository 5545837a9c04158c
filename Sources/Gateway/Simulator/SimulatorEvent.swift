import OCPP

/// What a simulator saw, for `chargemux demo`'s narration and for tests.
public enum SimulatorEvent: Sendable, Equatable {
    /// `peer` connected to the simulator named `simulator` (a backend's charge point, or the
    /// gateway for a simulated charge point).
    case connected(simulator: String, peer: String)
    case disconnected(simulator: String, peer: String)
    /// The simulator received `frame` from `peer`.
    case received(simulator: String, peer: String, frame: OCPPFrame)
    /// The simulator sent `frame` to `peer`.
    case sent(simulator: String, peer: String, frame: OCPPFrame)
}

/// Why a simulator's call got no answer.
public enum SimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case notConnected(String)
    case timedOut(action: String, seconds: Double)

    public var description: String {
        switch self {
        case .notConnected(let peer): "`\(peer)` is not connected"
        case .timedOut(let action, let seconds): "no answer to `\(action)` within \(seconds) s"
        }
    }
}
