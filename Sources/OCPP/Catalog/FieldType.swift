/// The type of a payload field, as the OCPP JSON schemas define it.
public indirect enum FieldType: Sendable, Equatable {
    /// A string with an optional maximum length. `caseInsensitive` marks OCPP's CiString types
    /// (every 1.6 CiStringNType; in 2.0.1 the idToken strings), which compare ignoring case.
    case string(maxLength: Int?, caseInsensitive: Bool)
    /// An RFC 3339 date-time string.
    case dateTime
    /// A string that must be one of the listed values.
    case enumeration([String])
    /// A JSON number without a fractional part.
    case integer
    /// A JSON number that may have a fraction.
    case decimal
    /// `true` or `false`.
    case boolean
    /// A nested JSON object.
    case object(ObjectSchema)
    /// A JSON array whose elements all have the element type, with optional bounds on the count.
    case array(of: FieldType, minItems: Int?, maxItems: Int?)
    /// Any JSON value (2.0.1 DataTransfer `data`).
    case any

    /// A lowercase name for messages: `string`, `integer`, `decimal`, `boolean`, `date-time`,
    /// `enumeration`, `object`, `array`, `any`.
    public var kindName: String {
        switch self {
        case .string: "string"
        case .dateTime: "date-time"
        case .enumeration: "enumeration"
        case .integer: "integer"
        case .decimal: "decimal"
        case .boolean: "boolean"
        case .object: "object"
        case .array: "array"
        case .any: "any"
        }
    }

    /// The type of the elements when this is an array, else the type itself.
    public var elementType: FieldType {
        if case .array(let element, _, _) = self { return element.elementType }
        return self
    }
}
