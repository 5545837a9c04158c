import Foundation

extension GatewayConfig.StoreLocation {
    /// A location as written on a command line: `sqlite:PATH`, a relative path resolved against
    /// `baseDirectory` (the current folder by default). `nil` for any other form.
    public init?(parsing text: String, relativeTo baseDirectory: String = FileManager.default.currentDirectoryPath) {
        let prefix = "sqlite:"
        guard text.hasPrefix(prefix), text.count > prefix.count else { return nil }
        let path = String(text.dropFirst(prefix.count))
        self = .sqlite(path: path.hasPrefix("/") ? path : baseDirectory + "/" + path)
    }
}

/// Opens the store a location names.
public enum GatewayStores {
    /// The store at `location`; `none` names no store and throws ``StoreError/Code/notFound``.
    ///
    /// - Parameter options: for SQLite; other stores take what applies.
    public static func open(_ location: GatewayConfig.StoreLocation,
                            options: SQLiteGatewayStore.Options = .init()) throws(StoreError) -> any GatewayStore {
        switch location {
        case .sqlite(let path): try SQLiteGatewayStore(path: path, options: options)
        case .memoryOnly: throw StoreError(.notFound, "the configuration has no store (`store: none`)")
        }
    }
}
