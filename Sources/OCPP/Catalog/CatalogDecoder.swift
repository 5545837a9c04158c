/// Why the condensed catalog JSON does not have the shape `scripts/gen-catalog.py` writes.
struct CatalogDecodingError: Error, CustomStringConvertible {
    /// Where in the document, as a dotted path.
    var path: String
    /// What was expected there.
    var reason: String

    var description: String { "at \(path.isEmpty ? "the root" : path): \(reason)" }
}

/// Reads the condensed catalog form (documented in `scripts/gen-catalog.py`) into catalog types.
enum CatalogDecoder {
    static func catalog(from document: JSONValue, version: OCPPVersion) throws -> OCPPCatalog {
        guard document["version"]?.stringValue == version.rawValue else {
            throw CatalogDecodingError(path: "version", reason: "expected \"\(version.rawValue)\"")
        }
        guard let actions = document["actions"]?.arrayValue else {
            throw CatalogDecodingError(path: "actions", reason: "expected an array")
        }
        let specs = try actions.enumerated().map { index, action in try self.action(action, at: "actions[\(index)]") }
        guard Set(specs.map(\.name)).count == specs.count else {
            throw CatalogDecodingError(path: "actions", reason: "duplicate action names")
        }
        return OCPPCatalog(version: version, actions: specs)
    }

    static func action(_ value: JSONValue, at path: String) throws -> ActionSpec {
        let name = try string(value["name"], at: path + ".name")
        let directionName = try string(value["direction"], at: path + ".direction")
        guard let direction = MessageDirection(rawValue: directionName) else {
            throw CatalogDecodingError(path: path + ".direction", reason: "unknown direction \(directionName)")
        }
        var answer: GatewayAnswer?
        switch value["gatewayAnswer"] {
        case .null, nil: answer = nil
        case .string(let text):
            guard let known = GatewayAnswer(rawValue: text) else {
                throw CatalogDecodingError(path: path + ".gatewayAnswer", reason: "unknown answer \(text)")
            }
            answer = known
        default: throw CatalogDecodingError(path: path + ".gatewayAnswer", reason: "expected a string or null")
        }
        return ActionSpec(
            name: name, direction: direction,
            request: try object(value["request"], at: path + ".request"),
            response: try object(value["response"], at: path + ".response"),
            gatewayAnswer: answer)
    }

    static func object(_ value: JSONValue?, at path: String) throws -> ObjectSchema {
        guard let fields = value?["fields"]?.arrayValue else {
            throw CatalogDecodingError(path: path + ".fields", reason: "expected an array")
        }
        guard let additional = value?["additionalFields"]?.boolValue else {
            throw CatalogDecodingError(path: path + ".additionalFields", reason: "expected a boolean")
        }
        let specs = try fields.enumerated().map { index, field in
            let fieldPath = "\(path).fields[\(index)]"
            guard let required = field["required"]?.boolValue else {
                throw CatalogDecodingError(path: fieldPath + ".required", reason: "expected a boolean")
            }
            return FieldSpec(
                name: try string(field["name"], at: fieldPath + ".name"),
                type: try type(field["type"], at: fieldPath + ".type"),
                required: required)
        }
        return ObjectSchema(fields: specs, allowsAdditionalFields: additional)
    }

    static func type(_ value: JSONValue?, at path: String) throws -> FieldType {
        if let simple = value?.stringValue {
            switch simple {
            case "date-time": return .dateTime
            case "integer": return .integer
            case "decimal": return .decimal
            case "boolean": return .boolean
            case "any": return .any
            default: throw CatalogDecodingError(path: path, reason: "unknown type \(simple)")
            }
        }
        let kind = try string(value?["kind"], at: path + ".kind")
        switch kind {
        case "string":
            guard let caseInsensitive = value?["caseInsensitive"]?.boolValue else {
                throw CatalogDecodingError(path: path + ".caseInsensitive", reason: "expected a boolean")
            }
            return .string(maxLength: try optionalInt(value?["maxLength"], at: path + ".maxLength"),
                           caseInsensitive: caseInsensitive)
        case "enumeration":
            guard let values = value?["values"]?.arrayValue?.compactMap(\.stringValue), !values.isEmpty else {
                throw CatalogDecodingError(path: path + ".values", reason: "expected strings")
            }
            return .enumeration(values)
        case "object":
            return .object(try object(value, at: path))
        case "array":
            return .array(
                of: try type(value?["items"], at: path + ".items"),
                minItems: try optionalInt(value?["minItems"], at: path + ".minItems"),
                maxItems: try optionalInt(value?["maxItems"], at: path + ".maxItems"))
        default:
            throw CatalogDecodingError(path: path + ".kind", reason: "unknown kind \(kind)")
        }
    }

    static func string(_ value: JSONValue?, at path: String) throws -> String {
        guard let text = value?.stringValue else { throw CatalogDecodingError(path: path, reason: "expected a string") }
        return text
    }

    static func optionalInt(_ value: JSONValue?, at path: String) throws -> Int? {
        guard let value else { return nil }
        guard let number = value.intValue else { throw CatalogDecodingError(path: path, reason: "expected an integer") }
        return number
    }
}
