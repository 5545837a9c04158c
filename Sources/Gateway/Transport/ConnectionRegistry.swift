import NIOConcurrencyHelpers
import NIOWebSocket

/// The open charge point connections by id, so that a new connection replaces an old one.
///
/// Thread-safe: connections on every event loop register here.
public final class ConnectionRegistry: Sendable {
    private let connections = NIOLockedValueBox<[String: ConnectionHandle]>([:])

    /// An empty registry.
    public init() {}

    /// Registers `handle` as the connection of its charge point and returns the connection it
    /// replaces, if any. The caller closes the replaced connection.
    func register(_ handle: ConnectionHandle) -> ConnectionHandle? {
        connections.withLockedValue { connections in
            let previous = connections[handle.chargePointId]
            connections[handle.chargePointId] = handle
            return previous === handle ? nil : previous
        }
    }

    /// Forgets `handle`, unless a newer connection has replaced it already.
    func unregister(_ handle: ConnectionHandle) {
        connections.withLockedValue { connections in
            if connections[handle.chargePointId] === handle { connections[handle.chargePointId] = nil }
        }
    }

    /// The open connection of charge point `id`, if any.
    public func connection(for id: String) -> ConnectionHandle? {
        connections.withLockedValue { $0[id] }
    }

    /// Every open connection.
    public var all: [ConnectionHandle] { connections.withLockedValue { Array($0.values) } }

    /// How many connections are open.
    public var count: Int { connections.withLockedValue { $0.count } }
}
