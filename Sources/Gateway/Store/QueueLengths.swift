import NIOConcurrencyHelpers

/// How many entries each durable queue holds, where the store knows it, so that `peek` answers
/// an empty queue without reading the database (a delivered queue is peeked once more after its
/// last entry's acknowledgement, for every queued copy).
///
/// A length becomes known when a read finds the queue empty, and is kept up to date by every
/// committed change to the queue (appends, acknowledgements, drops), reported after the commit.
/// A read that raced with a change (the change was reported between the read's start and its
/// end) teaches nothing: each change bumps the queue's generation, and a read counts only if the
/// generation it started with is still current.
final class QueueLengths: Sendable {
    private struct Entry {
        var length: Int?
        var generation = 0
    }

    private let entries = NIOLockedValueBox<[QueueKey: Entry]>([:])

    /// Whether `queue` is known to hold nothing.
    func isKnownEmpty(_ queue: QueueKey) -> Bool {
        entries.withLockedValue { $0[queue]?.length == 0 }
    }

    /// The generation to hand to ``learnedEmpty(_:generation:)``, taken before the read.
    func generation(of queue: QueueKey) -> Int {
        entries.withLockedValue { $0[queue]?.generation ?? 0 }
    }

    /// A read that began at `generation` found `queue` empty.
    func learnedEmpty(_ queue: QueueKey, generation: Int) {
        entries.withLockedValue { entries in
            guard (entries[queue]?.generation ?? 0) == generation else { return }
            entries[queue, default: Entry()].length = 0
        }
    }

    /// A committed change added `delta` entries to `queue` (negative: removed).
    func changed(_ queue: QueueKey, by delta: Int) {
        guard delta != 0 else { return }
        entries.withLockedValue { entries in
            var entry = entries[queue, default: Entry()]
            entry.generation += 1
            entry.length = entry.length.map { max(0, $0 + delta) }
            entries[queue] = entry
        }
    }

    /// Committed appends of `drafts`, with their outcomes (in the same order).
    func appended(_ drafts: [OutboundDraft], _ outcomes: [AppendOutcome]) {
        for (draft, outcome) in zip(drafts, outcomes) {
            if !outcome.duplicate { changed(draft.queue, by: 1) }
            dropped(outcome.dropped)
        }
    }

    /// Committed drops.
    func dropped(_ drops: [QueueDrop]) {
        for drop in drops { changed(drop.queue, by: -drop.entries.count) }
    }
}
