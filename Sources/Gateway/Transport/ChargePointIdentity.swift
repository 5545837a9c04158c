import NIOCore
import OCPP

/// Who a charge point connection belongs to, as the listener established it during the handshake.
public struct ChargePointIdentity: Sendable, Hashable {
    /// The charge point id: the last URL path segment, percent-decoded.
    public let id: String
    /// The negotiated OCPP version (from the `Sec-WebSocket-Protocol` the gateway echoed).
    public let ocppVersion: OCPPVersion
    /// The security profile of the listener the charge point connected to.
    public let securityProfile: GatewayConfig.SecurityProfile

    /// Creates an identity.
    public init(id: String, ocppVersion: OCPPVersion, securityProfile: GatewayConfig.SecurityProfile) {
        self.id = id
        self.ocppVersion = ocppVersion
        self.securityProfile = securityProfile
    }

    /// The longest charge point id OCPP allows (2.0.1 part 4: identity ≤ 48 characters).
    public static let maxIdLength = 48

    /// Whether `id` can be a charge point id: 1…48 characters, no `:` (it would break Basic auth)
    /// and no control characters.
    public static func isValidId(_ id: String) -> Bool {
        guard !id.isEmpty, id.count <= maxIdLength else { return false }
        return !id.unicodeScalars.contains { $0 == ":" || $0.properties.generalCategory == .control }
    }
}
