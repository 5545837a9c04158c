/// Every action of one OCPP version, with direction and request and response schemas.
///
/// The catalog data is generated from the official OCPP JSON schemas by `scripts/gen-catalog.py`;
/// the project does not read the schemas at run time.
public struct OCPPCatalog: Sendable {
    /// The OCPP version whose actions these are.
    public let version: OCPPVersion
    /// Every action, sorted by name.
    public let actions: [ActionSpec]
    /// Looked up for every message: a byte table, as OCPP-J compares action names exactly.
    private let indexByName: ByteStringTable

    /// Creates a catalog; `actions` must have distinct names.
    public init(version: OCPPVersion, actions: [ActionSpec]) {
        self.version = version
        self.actions = actions.sorted { $0.name < $1.name }
        self.indexByName = ByteStringTable(self.actions.enumerated().map { (key: $1.name, value: $0) })
    }

    /// The catalog of `version`.
    public static func forVersion(_ version: OCPPVersion) -> OCPPCatalog {
        switch version {
        case .v16: v16
        case .v201: v201
        }
    }

    /// The action called `name` (case-sensitive, as OCPP-J requires).
    public func action(named name: String) -> ActionSpec? {
        indexByName.value(for: name).map { actions[$0] }
    }

    /// A dense number for the action, `0..<actions.count`, for table lookups.
    public func actionIndex(named name: String) -> Int? { indexByName.value(for: name) }
}
