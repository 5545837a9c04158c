/// A gateway decision log line read back: `decision cp=CP-1 action=Heartbeat verdict=gateway ...`
/// (see `DecisionRecord.description`) as its fields.
struct DecisionLine: Sendable, Equatable {
    /// The `key=value` fields, unquoted.
    let fields: [String: String]

    /// Reads a decision line; `nil` when `text` is not one.
    init?(_ text: String) {
        guard text.hasPrefix("decision ") else { return nil }
        var fields: [String: String] = [:]
        var rest = Substring(text.dropFirst("decision ".count))
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped { value.append(character); escaped = false }
                    else if character == "\\" { escaped = true }
                    else if character == "\"" { break }
                    else { value.append(character) }
                }
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            fields[key] = value
        }
        guard fields["action"] != nil, fields["verdict"] != nil else { return nil }
        self.fields = fields
    }

    var action: String { fields["action"] ?? "?" }
    var messageId: String { fields["id"] ?? "" }
    /// `forward`, `gateway`, `allow`, `deny` or `reject:<code>`.
    var verdict: String { fields["verdict"] ?? "" }
    /// `charge-point` or the backend's name.
    var sender: String { fields["from"] ?? "" }
    var targets: [String] { fields["targets"].map { $0.split(separator: ",").map(String.init) } ?? [] }
    var responder: String? { fields["responder"] }
    /// The deciding rule's `file:line`.
    var rule: String? { fields["rule"] }
    var owner: String? { fields["owner"] }
    var reason: String? { fields["reason"] }
    /// `backend:reason` pairs.
    var skipped: [String: String] { pairs(fields["skipped"], separator: ":") }
    /// Redacted paths (`+`-joined) per backend.
    var redacted: [String: String] { pairs(fields["redacted"], separator: ":") }

    private func pairs(_ text: String?, separator: Character) -> [String: String] {
        var result: [String: String] = [:]
        for part in (text ?? "").split(separator: ",") {
            let pieces = part.split(separator: separator, maxSplits: 1)
            if pieces.count == 2 { result[String(pieces[0])] = String(pieces[1]) }
        }
        return result
    }
}
