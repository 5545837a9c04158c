/// One named member of an object schema.
public struct FieldSpec: Sendable, Equatable {
    /// The member name, case-sensitive.
    public var name: String
    /// What values the member may hold.
    public var type: FieldType
    /// Whether the member must be present.
    public var required: Bool

    /// Creates a member specification.
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

    /// Creates an object schema; by default it allows no members besides `fields`.
    public init(fields: [FieldSpec], allowsAdditionalFields: Bool = false) {
        self.fields = fields
        self.allowsAdditionalFields = allowsAdditionalFields
    }

    /// The member called `name`, if any.
    public func field(named name: String) -> FieldSpec? {
        fields.first { $0.name == name }
    }

    /// Whether both schemas list the same fields and agree on additional members.
    public static func == (lhs: ObjectSchema, rhs: ObjectSchema) -> Bool {
        lhs === rhs || (lhs.fields == rhs.fields && lhs.allowsAdditionalFields == rhs.allowsAdditionalFields)
    }
}
