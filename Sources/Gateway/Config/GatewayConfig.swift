/// The gateway's configuration, as loaded and checked from the operator's YAML file.
///
/// Every path in it is absolute (relative paths in the file resolve against the file's folder),
/// every `env:NAME` value has been read from the environment, and every cross-field rule holds:
/// a value of this type is ready to run. Build one with ``load(path:environment:)`` or
/// ``parse(yaml:file:baseDirectory:environment:)``.
public struct GatewayConfig: Sendable {
    /// Where charge points connect (`listen`); never empty.
    public let listeners: [Listener]
    /// The absolute path of the routing policy file (`policy`); the file existed at load time.
    public let policyPath: String
    /// Where the gateway keeps its state (`store`).
    public let store: StoreLocation
    /// What the gateway answers itself (`gatewayAnswers`).
    public let gatewayAnswers: GatewayAnswers
    /// How long to wait for the answer to a CALL (`callTimeout`, default 30 seconds).
    public let callTimeout: Duration
    /// The largest WebSocket frame accepted, in bytes (`maxFrameSize`, default 65536).
    public let maxFrameSize: Int
    /// Keys for redacting data (`redaction`).
    public let redaction: Redaction
    /// The charge points allowed to connect and their credentials (`chargePoints`), in file order.
    public let chargePoints: [ChargePointCredential]
    /// The OCPP backends the gateway connects onward to (`backends`); never empty, names unique.
    public let backends: [Backend]

    /// Creates a configuration from values that are already checked.
    public init(
        listeners: [Listener], policyPath: String, store: StoreLocation,
        gatewayAnswers: GatewayAnswers = GatewayAnswers(), callTimeout: Duration = defaultCallTimeout,
        maxFrameSize: Int = defaultMaxFrameSize, redaction: Redaction = Redaction(),
        chargePoints: [ChargePointCredential], backends: [Backend]
    ) {
        self.listeners = listeners
        self.policyPath = policyPath
        self.store = store
        self.gatewayAnswers = gatewayAnswers
        self.callTimeout = callTimeout
        self.maxFrameSize = maxFrameSize
        self.redaction = redaction
        self.chargePoints = chargePoints
        self.backends = backends
    }

    /// The backends' names in file order, e.g. for checking the names a policy uses.
    public var backendNames: [String] { backends.map(\.name) }

    /// The backend called `name`, if any.
    public func backend(named name: String) -> Backend? { backends.first { $0.name == name } }

    /// The credential that applies to `chargePointId`: an exact `id` wins over a glob, and among
    /// globs the first in the file wins. `nil` if no entry matches.
    public func credential(for chargePointId: String) -> ChargePointCredential? {
        chargePoints.first { !$0.isPattern && $0.id == chargePointId }
            ?? chargePoints.first { $0.isPattern && $0.matches(chargePointId) }
    }
}

extension GatewayConfig {
    /// The default `callTimeout` in seconds: 30.
    public static let defaultCallTimeoutSeconds = 30
    /// The default `callTimeout`: 30 seconds.
    public static let defaultCallTimeout: Duration = .seconds(defaultCallTimeoutSeconds)
    /// The default `maxFrameSize`: 65536 bytes.
    public static let defaultMaxFrameSize = 65_536
    /// The allowed `callTimeout` range in seconds.
    public static let callTimeoutRange = 1...3_600
    /// The allowed `maxFrameSize` range in bytes.
    public static let maxFrameSizeRange = 1_024...16_777_216
    /// Names a backend can't have because the policy language uses them.
    public static let reservedBackendNames: Set<String> = ["all", "gateway", "owner", "primary"]
}
