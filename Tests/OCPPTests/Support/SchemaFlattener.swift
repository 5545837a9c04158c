import OCPP

/// Reduces a schema to `path → description` lines so a catalog schema and an official JSON schema
/// can be compared independently of how the catalog was generated.
///
/// Paths join member names with `.` and mark array items with `[]`. A description reads like
/// `required string(max 20)`, `optional enum(Accepted|Rejected)` or `required object(closed)`.
enum SchemaFlattener {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Flattens an official JSON schema document, resolving `#/definitions/...` references.
    static func flatten(document: JSONValue) throws -> [String: String] {
        var result: [String: String] = [:]
        let definitions = document["definitions"]?.objectValue ?? JSONObject()
        try flattenObject(document, definitions: definitions, prefix: "", into: &result, depth: 0)
        return result
    }

    private static func resolve(_ node: JSONValue, _ definitions: JSONObject) throws -> JSONValue {
        var node = node
        var hops = 0
        while let reference = node["$ref"]?.stringValue {
            guard reference.hasPrefix("#/definitions/"),
                let target = definitions[String(reference.dropFirst("#/definitions/".count))]
            else { throw Failure(description: "unresolvable $ref \(reference)") }
            node = target
            hops += 1
            if hops > 32 { throw Failure(description: "$ref loop at \(reference)") }
        }
        return node
    }

    private static func flattenObject(
        _ node: JSONValue, definitions: JSONObject, prefix: String, into result: inout [String: String], depth: Int
    ) throws {
        guard depth < 32 else { throw Failure(description: "schema too deep at \(prefix)") }
        let required = Set(node["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for (name, child) in node["properties"]?.objectValue?.members ?? [] {
            let path = prefix.isEmpty ? name : prefix + "." + name
            try flattenValue(child, definitions: definitions, path: path,
                             presence: required.contains(name) ? "required" : "optional", into: &result, depth: depth)
        }
    }

    private static func flattenValue(
        _ node: JSONValue, definitions: JSONObject, path: String, presence: String,
        into result: inout [String: String], depth: Int
    ) throws {
        let node = try resolve(node, definitions)
        let description: String
        switch node["type"]?.stringValue {
        case nil: description = "any"
        case "string":
            if let values = node["enum"]?.arrayValue {
                description = "enum(" + values.compactMap(\.stringValue).joined(separator: "|") + ")"
            } else if node["format"]?.stringValue == "date-time" {
                description = "date-time"
            } else if let maxLength = node["maxLength"]?.intValue {
                description = "string(max \(maxLength))"
            } else {
                description = "string"
            }
        case "integer": description = "integer"
        case "number": description = "decimal"
        case "boolean": description = "boolean"
        case "object":
            description = node["additionalProperties"]?.boolValue == false ? "object(closed)" : "object(open)"
            try flattenObject(node, definitions: definitions, prefix: path, into: &result, depth: depth + 1)
        case "array":
            let minItems = node["minItems"]?.intValue.map(String.init) ?? "-"
            let maxItems = node["maxItems"]?.intValue.map(String.init) ?? "-"
            description = "array(\(minItems)..\(maxItems))"
            guard let items = node["items"] else { throw Failure(description: "array without items at \(path)") }
            try flattenValue(items, definitions: definitions, path: path + "[]", presence: "item",
                             into: &result, depth: depth + 1)
        case let other?: throw Failure(description: "unexpected type \(other) at \(path)")
        }
        result[path] = presence + " " + description
    }

    /// Flattens a catalog schema the same way.
    static func flatten(schema: ObjectSchema) -> [String: String] {
        var result: [String: String] = [:]
        flatten(schema, prefix: "", into: &result)
        return result
    }

    private static func flatten(_ schema: ObjectSchema, prefix: String, into result: inout [String: String]) {
        for field in schema.fields {
            let path = prefix.isEmpty ? field.name : prefix + "." + field.name
            flatten(field.type, path: path, presence: field.required ? "required" : "optional", into: &result)
        }
    }

    private static func flatten(
        _ type: FieldType, path: String, presence: String, into result: inout [String: String]
    ) {
        let description: String
        switch type {
        case .any: description = "any"
        case .enumeration(let values): description = "enum(" + values.joined(separator: "|") + ")"
        case .dateTime: description = "date-time"
        case .string(let maxLength?, _): description = "string(max \(maxLength))"
        case .string(nil, _): description = "string"
        case .integer: description = "integer"
        case .decimal: description = "decimal"
        case .boolean: description = "boolean"
        case .object(let inner):
            description = inner.allowsAdditionalFields ? "object(open)" : "object(closed)"
            flatten(inner, prefix: path, into: &result)
        case .array(let element, let minItems, let maxItems):
            description = "array(\(minItems.map(String.init) ?? "-")..\(maxItems.map(String.init) ?? "-"))"
            flatten(element, path: path + "[]", presence: "item", into: &result)
        }
        result[path] = presence + " " + description
    }
}
