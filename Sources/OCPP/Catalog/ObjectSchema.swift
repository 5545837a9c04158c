/// One named member of an object schema.
public struct FieldSpec: Sendable, Equatable {
    public var name: String
    public var type: FieldType
    public var required: Bool

    public init(name: String, type: FieldType, required: Bool) {
        self.name = name
        self.type = type
        self.required = required
    }
}

/// The members of a JSON object in a request or response payload.
///
/// A final class so that the recursive schema trees are shared, not copied.
public final class ObjectSchema: Sendable, Equatable {
    /// The members, in schema order.
    public let fields: [FieldSpec]
    /// Whether members not listed are allowed (`additionalProperties` in the schema).
    public let allowsAdditionalFields: Bool

    public init(fields: [FieldSpec], allowsAdditionalFields: Bool = false) {
        self.fields = fields
        self.allowsAdditionalFields = allowsAdditionalFields
    }

    /// The member called `name`, if any.
    public func field(named name: String) -> FieldSpec? {
        fields.first { $0.name == name }
    }

    public static func == (lhs: ObjectSchema, rhs: ObjectSchema) -> Bool {
        lhs === rhs || (lhs.fields == rhs.fields && lhs.allowsAdditionalFields == rhs.allowsAdditionalFields)
    }
}
