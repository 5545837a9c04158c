/// Checks payloads against the catalog's schemas the way OCPP-J does.
public enum PayloadValidator {
    /// Every way `payload` breaks `schema`, in payload order, then missing members in schema order;
    /// empty when it conforms.
    ///
    /// Checks JSON types, required members, string lengths (in characters), enumeration membership,
    /// members the schema does not allow, array item counts and the RFC 3339 shape of date-times
    /// (a time offset or `Z` is required). A member that appears twice is a format violation: the
    /// gateway and the receiver could read different values. Integers may be written `5.0` but not
    /// `5.5`. Numeric ranges (`minimum`, `multipleOf`) are not checked; the catalog does not keep them.
    public static func validate(_ payload: JSONValue, against schema: ObjectSchema, version: OCPPVersion)
        -> [PayloadViolation]
    {
        guard case .object(let object) = payload else {
            let message = "the payload must be a json object, not \(describe(payload))"
            return [PayloadViolation(path: "", code: version.formatViolationCode, message: message)]
        }
        var walker = Walker(version: version)
        walker.check(object, against: schema, at: "")
        return walker.violations
    }

    /// The value's JSON type with an article, for messages: `a string`, `an array`, `null`.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .array, .object: "an \(value.typeName)"
        default: "a \(value.typeName)"
        }
    }

    private struct Walker {
        let version: OCPPVersion
        var violations: [PayloadViolation] = []

        init(version: OCPPVersion) { self.version = version }

        mutating func report(_ path: String, _ code: String, _ message: String) {
            violations.append(PayloadViolation(path: path, code: code, message: message))
        }

        mutating func check(_ object: JSONObject, against schema: ObjectSchema, at path: String) {
            var seen: Set<String> = []
            for (name, value) in object.members {
                let memberPath = path.isEmpty ? name : "\(path).\(name)"
                guard seen.insert(name).inserted else {
                    report(memberPath, version.formatViolationCode, "`\(memberPath)` appears more than once")
                    continue
                }
                if let field = schema.field(named: name) {
                    check(value, against: field.type, at: memberPath)
                } else if !schema.allowsAdditionalFields {
                    let container = path.isEmpty ? "the payload" : "`\(path)`"
                    report(memberPath, version.propertyViolationCode, "`\(memberPath)` is not a member of \(container)")
                }
            }
            for field in schema.fields where field.required && !seen.contains(field.name) {
                let memberPath = path.isEmpty ? field.name : "\(path).\(field.name)"
                report(memberPath, version.occurrenceViolationCode, "`\(memberPath)` is required but missing")
            }
        }

        mutating func check(_ value: JSONValue, against type: FieldType, at path: String) {
            switch (type, value) {
            case (.any, _):
                return
            case (.string(let maxLength, _), .string(let text)):
                if let maxLength, text.count > maxLength {
                    report(path, version.propertyViolationCode,
                           "`\(path)` is \(text.count) characters; the maximum is \(maxLength)")
                }
            case (.dateTime, .string(let text)):
                if !RFC3339.isDateTime(text) {
                    report(path, version.typeViolationCode,
                           "`\(path)` is not an rfc 3339 date-time like 2024-05-01T12:00:00Z: \(quoted(text))")
                }
            case (.enumeration(let values), .string(let text)):
                if !values.contains(text) {
                    report(path, version.propertyViolationCode,
                           "`\(path)` is \(quoted(text)), not one of \(values.joined(separator: ", "))")
                }
            case (.integer, .number(let text)):
                if !isIntegral(text) {
                    report(path, version.typeViolationCode, "`\(path)` must be an integer, not \(text)")
                }
            case (.decimal, .number), (.boolean, .bool):
                return
            case (.object(let schema), .object(let object)):
                check(object, against: schema, at: path)
            case (.array(let element, let minItems, let maxItems), .array(let items)):
                if let minItems, items.count < minItems {
                    report(path, version.occurrenceViolationCode,
                           "`\(path)` has \(items.count) items; the minimum is \(minItems)")
                }
                if let maxItems, items.count > maxItems {
                    report(path, version.occurrenceViolationCode,
                           "`\(path)` has \(items.count) items; the maximum is \(maxItems)")
                }
                for (index, item) in items.enumerated() {
                    check(item, against: element, at: "\(path)[\(index)]")
                }
            default:
                report(path, version.typeViolationCode,
                       "`\(path)` must be \(expectation(type)), not \(PayloadValidator.describe(value))")
            }
        }

        func expectation(_ type: FieldType) -> String {
            switch type {
            case .string, .enumeration: "a string"
            case .dateTime: "a date-time string"
            case .integer: "an integer"
            case .decimal: "a number"
            case .boolean: "a boolean"
            case .object: "an object"
            case .array: "an array"
            case .any: "any value"
            }
        }

        /// Whether a JSON number literal denotes a whole number (`5`, `5.0`, `5e2`).
        func isIntegral(_ text: String) -> Bool {
            if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return true }
            guard let value = Double(text), value.isFinite else { return false }
            return value.rounded(.towardZero) == value
        }

        /// A string for a message, quoted and cut to 40 characters.
        func quoted(_ text: String) -> String {
            let shown = text.count > 40 ? text.prefix(40) + "…" : Substring(text)
            return JSONValue.string(String(shown)).serialized
        }
    }
}

extension OCPPCatalog {
    /// Every way `payload` breaks `schema`, with this catalog's version's error codes
    /// (see ``PayloadValidator/validate(_:against:version:)``).
    public func validate(_ payload: JSONValue, against schema: ObjectSchema) -> [PayloadViolation] {
        PayloadValidator.validate(payload, against: schema, version: version)
    }
}
