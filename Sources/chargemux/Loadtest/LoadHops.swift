import NIOConcurrencyHelpers

/// Where a call's time goes, when the load test's backends run in its own process: from the
/// charge point's send to the first backend's receipt ("out"), and from that backend's answer
/// to the charge point's receipt ("back"). Through a gateway whose responder is the first
/// backend, the two hops hold everything the gateway adds; `latency − out − back` is the time
/// the backend took to answer.
///
/// One slot per charge point, each behind a lock of its own: the charge point writes it on its
/// event loop, the backend on the connection's, never at once (one call in flight).
final class LoadHops: Sendable {
    private struct Stamp {
        var sentAt: UInt64 = 0
        /// When the first backend got the call (0: not yet).
        var atBackend: UInt64 = 0
    }

    /// The two hops of one answered call, in microseconds.
    struct Hops {
        var out: UInt64
        var back: UInt64
    }

    /// The hops of the answered calls, as latencies.
    struct Stats: Sendable {
        var out = CallStats()
        var back = CallStats()

        mutating func record(_ hops: Hops) {
            out.answered += 1
            _ = out.latency.record(max(1, hops.out))
            back.answered += 1
            _ = back.latency.record(max(1, hops.back))
        }

        mutating func add(_ other: Stats) {
            out.add(other.out)
            back.add(other.back)
        }
    }

    private let slots: [String: NIOLockedValueBox<Stamp>]

    init(chargePoints ids: [String]) {
        slots = Dictionary(uniqueKeysWithValues: ids.map { ($0, NIOLockedValueBox(Stamp())) })
    }

    /// The charge point `id` sent a call at `now` (nanoseconds, `LoadLoop.now()`).
    func sent(_ id: String, at now: UInt64) {
        slots[id]?.withLockedValue { $0 = Stamp(sentAt: now) }
    }

    /// The first backend got the call of `id` and is about to answer it. A retransmission, or a
    /// queued copy arriving after the answer, keeps the first receipt.
    func reachedBackend(_ id: String, at now: UInt64) {
        slots[id]?.withLockedValue { stamp in
            if stamp.sentAt != 0, stamp.atBackend == 0 { stamp.atBackend = now }
        }
    }

    /// The charge point `id` got its answer at `now`: the call's two hops, or `nil` when the
    /// first backend never saw it (another backend answered).
    func answered(_ id: String, at now: UInt64) -> Hops? {
        slots[id]?.withLockedValue { stamp in
            defer { stamp = Stamp() }
            guard stamp.sentAt != 0, stamp.atBackend >= stamp.sentAt, now >= stamp.atBackend else { return nil }
            return Hops(out: (stamp.atBackend - stamp.sentAt) / 1000, back: (now - stamp.atBackend) / 1000)
        }
    }
}
