import NIOConcurrencyHelpers

/// What a charge point's session knew when its connection closed, kept for its next connection,
/// so a charge point that reconnects mid-transaction keeps its transaction ids and owners.
///
/// In memory: a gateway restart loses it until the durable store keeps it.
public final class SessionSnapshots: Sendable {
    private let snapshots = NIOLockedValueBox<[String: SessionSnapshot]>([:])

    public init() {}

    /// Keeps `snapshot` for `chargePointId`, replacing an older one.
    public func keep(_ snapshot: SessionSnapshot, for chargePointId: String) {
        snapshots.withLockedValue { $0[chargePointId] = snapshot }
    }

    /// Takes the snapshot of `chargePointId`, if any; it is handed out once.
    public func take(for chargePointId: String) -> SessionSnapshot? {
        snapshots.withLockedValue { $0.removeValue(forKey: chargePointId) }
    }
}
