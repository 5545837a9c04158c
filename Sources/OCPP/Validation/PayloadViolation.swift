/// One way a payload breaks its action's schema, with the CALLERROR code OCPP-J gives for it.
public struct PayloadViolation: Sendable, Equatable, CustomStringConvertible {
    /// Where: member names joined by `.`, array positions as `[0]`
    /// (`meterValue[0].sampledValue[1].measurand`); empty for the payload itself.
    public var path: String
    /// The OCPP-J error code for the version: `TypeConstraintViolation`, `PropertyConstraintViolation`,
    /// `OccurenceConstraintViolation` (1.6, sic) or `OccurrenceConstraintViolation` (2.0.1),
    /// `FormationViolation` (1.6) or `FormatViolation` (2.0.1).
    public var code: String
    /// A lowercase explanation naming the member in backticks: "`idTag` is 23 characters; the maximum is 20".
    public var message: String

    /// Creates a violation.
    public init(path: String, code: String, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

extension OCPPVersion {
    /// The CALLERROR code for a value of the wrong type: `TypeConstraintViolation` in both versions.
    public var typeViolationCode: String { "TypeConstraintViolation" }

    /// The CALLERROR code for a value out of its range (too long, not in the enumeration, an unknown
    /// member): `PropertyConstraintViolation` in both versions.
    public var propertyViolationCode: String { "PropertyConstraintViolation" }

    /// The CALLERROR code for a missing required member or an array with too few or too many items:
    /// `OccurenceConstraintViolation` (sic) in 1.6, `OccurrenceConstraintViolation` in 2.0.1.
    public var occurrenceViolationCode: String {
        self == .v16 ? "OccurenceConstraintViolation" : "OccurrenceConstraintViolation"
    }
}
