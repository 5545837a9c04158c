import GRDB
import NIOConcurrencyHelpers

/// Group commit for all the writes of one store: writes that arrive while a commit is under way
/// wait for it, then share the next transaction, so that many callers (one per charge point)
/// pay for one WAL sync between them instead of one each.
///
/// The contract of each write stays what it was alone: it returns once a transaction holding it
/// has committed, and if it throws it wrote nothing. If any write of a group fails (or the
/// commit does), the group's transaction is rolled back and its writes run again, one
/// transaction each, so a failing write takes no other with it. Writes commit in the order
/// they arrived.
final class GroupCommitter: Sendable {
    /// A write waiting for its commit.
    private struct PendingWrite: Sendable {
        /// Runs the write inside a transaction; what it returns hands the result over, once the
        /// transaction has committed.
        let run: @Sendable (Database) throws -> @Sendable () -> Void
        /// Reports a failure of the write (or of the commit).
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var pending: [PendingWrite] = []
        var flushing = false
    }

    /// The most writes one transaction takes.
    static let maximumGroupSize = 512

    private let pool: DatabasePool
    private let state = NIOLockedValueBox(State())

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `work` in a transaction, shared with the writes that arrive while the previous
    /// commit runs, and returns its result once that transaction has committed.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit(work) { continuation.resume(with: $0) }
        }
    }

    /// Runs `work` as ``write(_:)`` does and hands its result to `completion` on the writer's
    /// queue once the transaction has committed (or failed): for callers on an event loop, with
    /// no task between them and SQLite.
    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T,
                             completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
        let write = PendingWrite(
            run: { db in
                let value = try work(db)
                return { completion(.success(value)) }
            },
            fail: { completion(.failure($0)) })
        let startsFlush = state.withLockedValue { state -> Bool in
            state.pending.append(write)
            guard !state.flushing else { return false }
            state.flushing = true
            return true
        }
        if startsFlush { pool.asyncWriteWithoutTransaction { db in self.flush(db) } }
    }

    /// Commits groups until no write is waiting; on the writer's queue.
    private func flush(_ db: Database) {
        while true {
            let group = state.withLockedValue { state -> [PendingWrite] in
                let group = Array(state.pending.prefix(Self.maximumGroupSize))
                state.pending.removeFirst(group.count)
                if group.isEmpty { state.flushing = false }
                return group
            }
            guard !group.isEmpty else { return }
            commit(group, db)
        }
    }

    private func commit(_ group: [PendingWrite], _ db: Database) {
        guard group.count > 1 else { return commitAlone(group[0], db) }
        var handOvers: [@Sendable () -> Void] = []
        do {
            try db.inTransaction(.immediate) {
                handOvers = try group.map { try $0.run(db) }
                return .commit
            }
        } catch {
            // Rolled back as a whole: each write again on its own, so only a failing one fails.
            for write in group { commitAlone(write, db) }
            return
        }
        for handOver in handOvers { handOver() }
    }

    private func commitAlone(_ write: PendingWrite, _ db: Database) {
        var handOver: (@Sendable () -> Void)?
        do {
            try db.inTransaction(.immediate) {
                handOver = try write.run(db)
                return .commit
            }
        } catch {
            return write.fail(error)
        }
        handOver?()
    }
}
