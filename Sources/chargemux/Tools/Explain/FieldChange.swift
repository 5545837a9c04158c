import OCPP
import Runtime

/// One field a redaction changed in a payload for one backend.
struct FieldChange: Sendable {
    /// The dotted path (`idTag`, `meterValue.sampledValue.value`).
    var path: String
    /// How the field was rewritten.
    var mode: RedactionMode
    /// The redact rule that asked for it.
    var rule: RuleInfo?
    /// The values before, every one at the path (arrays walked).
    var before: [JSONValue]
    /// The values after; empty when dropped.
    var after: [JSONValue]

    /// `idTag: "EMP-00042" → "billing" (as owner, site.policy:30)`.
    var summary: String {
        let old = before.map(\.serialized).joined(separator: ", ")
        let new = mode == .drop ? "dropped" : after.map(\.serialized).joined(separator: ", ")
        let cite = rule.map { ", \($0.location)" } ?? ""
        return "\(path): \(old) → \(new) (as \(mode)\(cite))"
    }
}

/// A payload as one backend receives it.
struct Delivery: Sendable {
    /// The receiving backend.
    var backend: String
    /// The payload after its redactions.
    var payload: JSONValue
    /// What the redactions changed; empty when the payload is unchanged.
    var changes: [FieldChange]
}
