import NIOConcurrencyHelpers
import NIOCore

/// The link of each connected charge point, so that a new connection of a charge point takes
/// over from the one it replaces: the old link stops its backend connections and leaves its
/// session's snapshot before the new link connects onward and restores it. Backends then see
/// one session at a time, and the new one goes on with the old one's transactions.
final class ActiveLinks: Sendable {
    struct Entry: Sendable {
        /// Which link this is.
        let token: ObjectIdentifier
        /// Retires the link (on its event loop); succeeds once its backend connections are closed
        /// and its snapshot is kept.
        let retire: @Sendable () -> EventLoopFuture<Void>
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    init() {}

    /// Registers `entry` as the link of `chargePointId`; returns the link it replaces, if any.
    func replace(_ chargePointId: String, with entry: Entry) -> Entry? {
        entries.withLockedValue { entries in
            defer { entries[chargePointId] = entry }
            return entries[chargePointId]
        }
    }

    /// Forgets the link `token` of `chargePointId`, unless a newer one has replaced it.
    func remove(_ chargePointId: String, token: ObjectIdentifier) {
        entries.withLockedValue { entries in
            if entries[chargePointId]?.token == token { entries[chargePointId] = nil }
        }
    }
}
