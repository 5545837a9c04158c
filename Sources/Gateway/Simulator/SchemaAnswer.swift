import Foundation
import OCPP

/// Builds the smallest payload a schema accepts, the way a cooperative peer answers.
///
/// Status enumerations answer `Accepted` where the schema allows it; date-times are now;
/// integers count up; other required members get the simplest valid value. The simulators use
/// this so that every action of both OCPP versions gets a schema-valid answer.
enum SchemaAnswer {
    static func minimalPayload(for schema: ObjectSchema, now: Date) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for field in schema.fields where field.required {
            members.append((field.name, minimalValue(for: field.type, now: now)))
        }
        return .object(JSONObject(members))
    }

    static func minimalValue(for type: FieldType, now: Date) -> JSONValue {
        switch type {
        case .string(let maxLength, _): .string(String("sim".prefix(maxLength ?? 3)))
        case .dateTime: .string(RFC3339Time.string(now.timeIntervalSince1970))
        case .enumeration(let values):
            .string(values.contains("Accepted") ? "Accepted" : values.first ?? "")
        case .integer: .number("0")
        case .decimal: .number("0")
        case .boolean: .bool(true)
        case .object(let nested): minimalPayload(for: nested, now: now)
        case .array(let element, let minItems, _):
            .array(Array(repeating: minimalValue(for: element, now: now), count: minItems ?? 0))
        case .any: .object(JSONObject())
        }
    }
}
