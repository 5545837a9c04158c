import Foundation
import OCPP

/// How the simulated charge point answers a backend's call: `Accepted`, with a schema-valid
/// payload, for every action of its OCPP version.
public struct SimulatedChargePointAnswers: Sendable {
    public let version: OCPPVersion
    private let catalog: OCPPCatalog

    public init(version: OCPPVersion = .v16) {
        self.version = version
        self.catalog = OCPPCatalog.forVersion(version)
    }

    /// The answer to a backend's CALL, or `nil` when `frame` is not a call.
    public func answer(_ frame: OCPPFrame, now: Date = Date()) -> OCPPFrame? {
        guard case .call(let id, let action, _) = frame else { return nil }
        guard let spec = catalog.action(named: action), spec.direction.backendMaySend else {
            return .callError(id: id, code: "NotImplemented", description: "`\(action)` is not a backend's call",
                              details: .object(JSONObject()))
        }
        return .callResult(id: id, payload: SchemaAnswer.minimalPayload(for: spec.response, now: now))
    }
}
