import Foundation
import GRDB
import OCPP

/// The embedded store: one SQLite file (`store: sqlite:PATH`), written through GRDB.
///
/// Durability: WAL mode, so readers (`chargemux sessions`) never block the gateway's writes and a
/// crash leaves the last commits in the `-wal` file, replayed on the next open; `synchronous=FULL`
/// by default, so a commit is on the disk (the WAL fsynced) before a method returns: "acknowledged"
/// then survives a power cut, not only a killed process. ``Options/Synchronous/normal`` survives
/// `kill -9` but may lose the last commits on power loss; it is there for measured trade-offs.
/// Group commits (``appendBatch(_:)``, a start with its queue entries) pay one sync for many rows,
/// and so do concurrent writes of different callers (``GroupCommitter``).
///
/// Foreign keys are on, the busy timeout bounds waits on another writer, and the schema's
/// migrations are versioned in code (``migrator``); a file written by a newer schema is refused.
public final class SQLiteGatewayStore: GatewayStore {
    /// How the store is opened.
    public struct Options: Sendable {
        /// SQLite's `synchronous` setting in WAL mode.
        public enum Synchronous: String, Sendable {
            /// The WAL is synced at every commit: a returned write survives power loss.
            case full = "FULL"
            /// The WAL is synced at checkpoints only: a returned write survives a killed process,
            /// not a power cut.
            case normal = "NORMAL"
        }

        /// `FULL` unless measured otherwise.
        public var synchronous: Synchronous = .full
        /// How long a write waits for another writer (another process on the same file) before
        /// failing with ``StoreError/Code/busy``, in seconds.
        public var busyTimeout: TimeInterval = 5
        /// Queue limits by backend name.
        public var queueLimits: [String: QueueLimits] = [:]
        /// Queue limits of backends `queueLimits` does not name.
        public var defaultQueueLimits: QueueLimits = .unlimited
        /// The most bytes the database file may grow to (SQLite's `max_page_count` in pages of
        /// 4096 bytes); past it writes fail with ``StoreError/Code/storageFull``. `nil`: the disk's size.
        public var maximumSize: Int?
        /// Whether a missing file is created; `false` for tools that only read an existing store.
        public var createIfMissing = true

        public init(synchronous: Synchronous = .full, busyTimeout: TimeInterval = 5,
                    queueLimits: [String: QueueLimits] = [:], defaultQueueLimits: QueueLimits = .unlimited,
                    maximumSize: Int? = nil, createIfMissing: Bool = true) {
            self.synchronous = synchronous
            self.busyTimeout = busyTimeout
            self.queueLimits = queueLimits
            self.defaultQueueLimits = defaultQueueLimits
            self.maximumSize = maximumSize
            self.createIfMissing = createIfMissing
        }

        /// The limits of `backend`'s queues.
        public func limits(for backend: String) -> QueueLimits { queueLimits[backend] ?? defaultQueueLimits }
    }

    /// The database file's path.
    public let path: String
    public let options: Options
    let pool: DatabasePool
    /// Every write goes through it: concurrent writes share commits.
    let committer: GroupCommitter
    /// Queue lengths where known: an empty queue is peeked without a read.
    let queueLengths = QueueLengths()

    /// Opens (creating if allowed) the store at `path` and brings its schema up to date.
    ///
    /// - Throws: ``StoreError`` with `unwritable` for a path that cannot be created or written,
    ///   `notFound`, `corrupt` for a file that is not a store, `incompatibleSchema` for a newer
    ///   schema, `storageFull` when not even the schema fits.
    public init(path: String, options: Options = Options()) throws(StoreError) {
        self.path = path
        self.options = options
        if !options.createIfMissing, !FileManager.default.fileExists(atPath: path) {
            throw StoreError(.notFound, "no store at `\(path)`")
        }
        var configuration = Configuration()
        configuration.label = "chargemux-store"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(options.busyTimeout)
        let synchronous = options.synchronous.rawValue
        let maximumPages = options.maximumSize.map { max(1, $0 / 4096) }
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // Statement journals and sorters in memory: no temporary file opened per write.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if let maximumPages { try db.execute(sql: "PRAGMA max_page_count = \(maximumPages)") }
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets `synchronous = NORMAL` on the writer when it turns WAL on, after
            // `prepareDatabase`: the setting that decides what a commit syncs is put back here.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            if try pool.read({ try Self.migrator.hasBeenSuperseded($0) }) {
                throw StoreError(.incompatibleSchema, "the store at `\(path)` was written by a newer chargemux")
            }
            try Self.migrator.migrate(pool)
            self.pool = pool
            self.committer = GroupCommitter(pool: pool)
        } catch {
            throw Self.storeError(error, "cannot open the store at `\(path)`")
        }
    }

    /// The journal mode in force (`wal`) and `synchronous` as a number (2 is FULL, 1 NORMAL), as
    /// the connection that writes has them: that one decides what a commit syncs.
    public func pragmas() async throws(StoreError) -> (journalMode: String, synchronous: Int, foreignKeys: Bool) {
        try await writeWithoutTransaction("read settings") { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
             try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
             try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false)
        }
    }

    public func close() async throws(StoreError) {
        do { try pool.close() } catch { throw Self.storeError(error, "cannot close the store") }
    }

    // MARK: - Access

    /// Runs `work` in a transaction that commits before this returns; concurrent writes share
    /// the transaction (``GroupCommitter``), each still all or nothing.
    func write<T: Sendable>(_ what: String, _ work: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await committer.write(work) } catch { throw Self.storeError(error, "cannot \(what)") }
    }

    func read<T: Sendable>(_ what: String, _ work: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.read(work) } catch { throw Self.storeError(error, "cannot \(what)") }
    }

    /// Runs `work` on the connection that writes, outside any transaction.
    func writeWithoutTransaction<T: Sendable>(_ what: String, _ work: @escaping @Sendable (Database) throws -> T)
        async throws(StoreError) -> T
    {
        do { return try await pool.writeWithoutTransaction(work) } catch { throw Self.storeError(error, "cannot \(what)") }
    }

    /// SQLite's failures as ``StoreError``s.
    static func storeError(_ error: any Error, _ context: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else {
            return StoreError(.internalError, context, underlying: "\(error)")
        }
        let code: StoreError.Code
        switch error.resultCode {
        case .SQLITE_FULL: code = .storageFull
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: code = .unwritable
        case .SQLITE_IOERR: code = .ioError
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: code = .corrupt
        case .SQLITE_BUSY, .SQLITE_LOCKED: code = .busy
        default: code = .internalError
        }
        return StoreError(code, context, underlying: error.message ?? "\(error.resultCode)")
    }

    // MARK: - Values

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    static func json(_ text: String) throws -> JSONValue {
        do { return try JSONValue(parsing: text) } catch {
            throw StoreError(.corrupt, "a stored payload is not JSON", underlying: "\(error)")
        }
    }
}
