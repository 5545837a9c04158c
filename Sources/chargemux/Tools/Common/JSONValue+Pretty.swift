import OCPP

extension JSONValue {
    /// The JSON text indented by two spaces per level, members in their stored order, ending
    /// without a line break. Empty arrays and objects stay on one line (`[]`, `{}`).
    var prettyPrinted: String {
        var output = ""
        writePretty(to: &output, level: 0)
        return output
    }

    private func writePretty(to output: inout String, level: Int) {
        let inner = String(repeating: "  ", count: level + 1)
        let outer = String(repeating: "  ", count: level)
        switch self {
        case .array(let elements) where !elements.isEmpty:
            output += "[\n"
            for (index, element) in elements.enumerated() {
                output += inner
                element.writePretty(to: &output, level: level + 1)
                output += index == elements.count - 1 ? "\n" : ",\n"
            }
            output += outer + "]"
        case .object(let object) where !object.members.isEmpty:
            output += "{\n"
            for (index, member) in object.members.enumerated() {
                output += inner + JSONValue.string(member.key).serialized + ": "
                member.value.writePretty(to: &output, level: level + 1)
                output += index == object.members.count - 1 ? "\n" : ",\n"
            }
            output += outer + "}"
        default:
            output += serialized
        }
    }

    /// A string, or `null` for `nil`.
    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// An array of strings.
    static func strings(_ texts: [String]) -> JSONValue { .array(texts.map(JSONValue.string)) }
}
