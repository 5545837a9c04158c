extension GatewayConfig {
    /// Where the gateway keeps its state (`store`).
    public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
        /// An SQLite database at an absolute path (`sqlite:PATH`, relative to the config's folder).
        case sqlite(path: String)
        /// No store (`store: none`): the gateway keeps its state in memory only. A restart forgets
        /// open transactions, and a copy for an absent backend is not delivered later. For
        /// measurements (the store's cost) and sites that accept that.
        case memoryOnly

        /// The file name used when `store` is absent: `chargemux.db` next to the config file.
        public static let defaultFileName = "chargemux.db"

        /// `sqlite:PATH` or `none`.
        public var description: String {
            switch self {
            case .sqlite(let path): "sqlite:" + path
            case .memoryOnly: "none"
            }
        }
    }
}
