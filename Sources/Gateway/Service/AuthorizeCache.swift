import Foundation
import NIOConcurrencyHelpers
import OCPP

/// Backends' recent Accepted answers to Authorize, by backend name and idTag pseudonym, so the
/// gateway can answer for a backend with `offline.authorizeCacheTTL` while it is absent.
///
/// In memory, shared by all charge points' links: a restart empties it (the gateway then answers
/// nothing from it until the backend has accepted the idTag again).
public final class AuthorizeCache: Sendable {
    private struct Key: Hashable {
        var backend: String
        var idTag: String
    }

    private let entries = NIOLockedValueBox<[Key: (idTagInfo: JSONValue, at: Date)]>([:])

    public init() {}

    /// Remembers `backend`'s Accepted answer for `idTag` (a pseudonym), at `now`.
    public func accepted(_ idTagInfo: JSONValue, backend: String, idTag: String, now: Date = Date()) {
        entries.withLockedValue { $0[Key(backend: backend, idTag: idTag)] = (idTagInfo, now) }
    }

    /// Forgets `idTag` for `backend` (it answered something other than Accepted).
    public func forget(backend: String, idTag: String) {
        entries.withLockedValue { _ = $0.removeValue(forKey: Key(backend: backend, idTag: idTag)) }
    }

    /// `backend`'s last Accepted `idTagInfo` for `idTag`, if it is younger than `ttl` seconds.
    public func lookup(backend: String, idTag: String, ttl: TimeInterval, now: Date = Date()) -> JSONValue? {
        entries.withLockedValue { entries in
            guard let entry = entries[Key(backend: backend, idTag: idTag)], now.timeIntervalSince(entry.at) < ttl else { return nil }
            return entry.idTagInfo
        }
    }
}
