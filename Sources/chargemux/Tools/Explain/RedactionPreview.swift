import OCPP
import Runtime

/// Applies a backend's redactions to a payload and says what changed and why.
struct RedactionPreview: Sendable {
    /// The policy, for rule and backend names.
    var policy: CompiledPolicy
    /// Applies the redactions with the chosen hash key.
    var redactor: Redactor

    /// The payload `backend` receives with `redactions` applied; `owner` fills `as owner` fields.
    func delivery(of payload: JSONValue, to backend: Int, redactions: [FieldRedaction], owner: String?) -> Delivery {
        let (result, changedPaths) = redactor.apply(redactions, to: payload, owner: owner)
        let changes = redactions.filter { changedPaths.contains($0.pathDescription) }.map { redaction in
            FieldChange(path: redaction.pathDescription, mode: redaction.mode, rule: policy.rule(redaction.rule),
                        before: Self.values(at: redaction.path[...], in: payload),
                        after: Self.values(at: redaction.path[...], in: result))
        }
        return Delivery(backend: policy.backendName(backend), payload: result, changes: changes)
    }

    /// Every value at `path`, walking arrays on the way (and at the end, element by element).
    static func values(at path: ArraySlice<String>, in value: JSONValue) -> [JSONValue] {
        if case .array(let elements) = value { return elements.flatMap { values(at: path, in: $0) } }
        guard let key = path.first else { return [value] }
        guard let member = value[key] else { return [] }
        return values(at: path.dropFirst(), in: member)
    }
}
