/// Why the store could not do what it was asked.
///
/// A struct with an extensible ``Code`` rather than an enum, as swift-nio does, so codes can be
/// added without breaking callers that switch over them. The gateway turns the codes for which
/// ``refusesNewTransactions`` is `true` into "refuse new transactions with a clear error": it
/// must not acknowledge to a charge point what it cannot keep.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// A stable kebab-case name, e.g. `storage-full`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The name.
        public var description: String { rawValue }

        /// The disk, or the store's size limit, is full: nothing more can be written.
        public static let storageFull = Code("storage-full")
        /// The store cannot be written: a read-only file, folder or file system, no permission,
        /// or a path that cannot be created.
        public static let unwritable = Code("unwritable")
        /// The store does not exist and was not to be created (read-only tools).
        public static let notFound = Code("not-found")
        /// An I/O error from the operating system while reading or writing.
        public static let ioError = Code("io-error")
        /// The file is not a store, or is damaged.
        public static let corrupt = Code("corrupt")
        /// The schema was written by a newer chargemux than this one.
        public static let incompatibleSchema = Code("incompatible-schema")
        /// Another writer held the store for longer than the busy timeout.
        public static let busy = Code("busy")
        /// The caller asked for something that contradicts what is stored (e.g. an unknown record).
        public static let invalidRequest = Code("invalid-request")
        /// Anything else the database reported.
        public static let internalError = Code("internal-error")
    }

    /// What kind of failure.
    public let code: Code
    /// What happened, for the operator.
    public let message: String
    /// The database's own words, if any (e.g. SQLite's `database or disk is full`).
    public let underlying: String?

    /// An error of kind `code`.
    public init(_ code: Code, _ message: String, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// Whether the gateway must refuse new transactions while this persists: it could not keep
    /// what it would acknowledge.
    public var refusesNewTransactions: Bool {
        [.storageFull, .unwritable, .ioError, .corrupt, .incompatibleSchema, .notFound].contains(code)
    }

    /// `store error [storage-full]: message (underlying)`.
    public var description: String {
        "store error [\(code)]: \(message)" + (underlying.map { " (\($0))" } ?? "")
    }
}
