/// The OCPP versions chargemux speaks.
public enum OCPPVersion: String, Sendable, CaseIterable, Hashable {
    case v16 = "1.6"
    case v201 = "2.0.1"

    /// The WebSocket subprotocol that selects this version (`ocpp1.6`, `ocpp2.0.1`).
    public var subprotocol: String { "ocpp" + rawValue }

    /// The CALLERROR code for a payload that is not well formed: `FormationViolation` in 1.6,
    /// `FormatViolation` in 2.0.1.
    public var formatViolationCode: String { self == .v16 ? "FormationViolation" : "FormatViolation" }
}
