extension GatewayConfig {
    /// Where the gateway keeps its state (`store`).
    public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
        /// An SQLite database at an absolute path (`sqlite:PATH`, relative to the config's folder).
        case sqlite(path: String)

        /// The file name used when `store` is absent: `chargemux.db` next to the config file.
        public static let defaultFileName = "chargemux.db"

        /// `sqlite:PATH`.
        public var description: String {
            switch self {
            case .sqlite(let path): "sqlite:" + path
            }
        }
    }
}
