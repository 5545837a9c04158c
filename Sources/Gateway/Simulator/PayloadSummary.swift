import OCPP

/// A payload in a few words for a person reading a log: `{connectorId 1, idTag FLEET-0042}`.
///
/// Strings go without quotes, nested objects are summarised one level deep, arrays by their
/// count, and the whole is cut at `limit` characters. Timestamps are left out by default: they
/// make lines long and say little in a narrated flow.
public enum PayloadSummary {
    /// Keys left out unless asked for.
    public static let defaultOmitted: Set<String> = ["timestamp", "currentTime"]

    /// The summary of `payload`, at most `limit` characters (an ellipsis marks a cut).
    public static func short(_ payload: JSONValue, limit: Int = 80, omitting omitted: Set<String> = defaultOmitted) -> String {
        let text = render(payload, depth: 0, omitted: omitted)
        guard text.count > limit, limit > 1 else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    static func render(_ value: JSONValue, depth: Int, omitted: Set<String>) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return text.isEmpty ? "\"\"" : text
        case .array(let elements):
            if elements.count == 1, depth < 2 { return "[" + render(elements[0], depth: depth + 1, omitted: omitted) + "]" }
            return "[\(elements.count) items]"
        case .object(let object):
            guard depth < 2 else { return object.members.isEmpty ? "{}" : "{…}" }
            let parts = object.members.filter { !omitted.contains($0.key) }
                .map { "\($0.key) \(render($0.value, depth: depth + 1, omitted: omitted))" }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }
}
