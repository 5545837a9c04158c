/// One structured log line per CALL the gateway handles: who sent what, where it went, and why.
///
/// It never holds a password or an idTag in clear: the user is logged as a keyed pseudonym only.
public struct DecisionRecord: Sendable, Equatable, CustomStringConvertible {
    /// Which way the CALL travels.
    public enum Direction: String, Sendable {
        /// The charge point called; the backends are the receivers.
        case fromChargePoint = "cp->backends"
        /// A backend called the charge point.
        case fromBackend = "backend->cp"
    }

    /// What the gateway did with the CALL.
    public enum Verdict: Sendable, Equatable, CustomStringConvertible {
        /// Forwarded to the targets; a backend answers.
        case forwarded
        /// The gateway answered itself (targets may still have copies).
        case answeredByGateway
        /// A backend's call was allowed and queued for the charge point.
        case allowed
        /// A backend's call was refused by the policy or the gateway's own rules.
        case denied
        /// The CALL was answered with a CALLERROR of this code (bad frame, schema, no route, ...).
        case rejected(code: String)

        /// `forward`, `gateway`, `allow`, `deny` or `reject:<code>`.
        public var description: String {
            switch self {
            case .forwarded: "forward"
            case .answeredByGateway: "gateway"
            case .allowed: "allow"
            case .denied: "deny"
            case .rejected(let code): "reject:\(code)"
            }
        }
    }

    /// The charge point's identity.
    public var chargePoint: String
    /// Which way the CALL travels.
    public var direction: Direction
    /// The sender: `charge-point` or the backend's name.
    public var sender: String
    /// The action, or `?` when the frame could not be read.
    public var action: String
    /// The sender's own message id.
    public var messageId: String
    /// Who got the CALL: backend names, or `charge-point`.
    public var targets: [String]
    /// Targets that did not get it, with why (`disconnected`, `Pending`, ...).
    public var skipped: [String: String]
    /// Who answers: a backend name, `gateway`, or `nil`.
    public var responder: String?
    /// What happened.
    public var verdict: Verdict
    /// The deciding rule's `file:line` (the responder's, the allow's or the deny's), if a rule decided.
    public var rule: String?
    /// The owner backend of the user or transaction, if known.
    public var owner: String?
    /// A keyed pseudonym of the idTag (never the idTag itself), if the message carries one.
    public var userPseudonym: String?
    /// The paths redacted, per backend name.
    public var redacted: [String: [String]]
    /// Why, in words, for refusals and errors.
    public var reason: String?
    /// The digest of the policy that decided.
    public var policyHash: String

    /// Creates a record.
    public init(chargePoint: String, direction: Direction, sender: String, action: String, messageId: String,
                targets: [String] = [], skipped: [String: String] = [:], responder: String? = nil, verdict: Verdict,
                rule: String? = nil, owner: String? = nil, userPseudonym: String? = nil,
                redacted: [String: [String]] = [:], reason: String? = nil, policyHash: String) {
        self.chargePoint = chargePoint
        self.direction = direction
        self.sender = sender
        self.action = action
        self.messageId = messageId
        self.targets = targets
        self.skipped = skipped
        self.responder = responder
        self.verdict = verdict
        self.rule = rule
        self.owner = owner
        self.userPseudonym = userPseudonym
        self.redacted = redacted
        self.reason = reason
        self.policyHash = policyHash
    }

    /// One `key=value` line: `decision cp=CP-1 dir=cp->backends from=charge-point action=Heartbeat id=7 ...`.
    /// Values with spaces, quotes or `=` are quoted; empty fields are left out.
    public var description: String {
        var fields: [(String, String)] = [
            ("cp", chargePoint), ("dir", direction.rawValue), ("from", sender), ("action", action),
            ("id", messageId), ("verdict", verdict.description),
        ]
        if !targets.isEmpty { fields.append(("targets", targets.joined(separator: ","))) }
        if let responder { fields.append(("responder", responder)) }
        if let rule { fields.append(("rule", rule)) }
        if let owner { fields.append(("owner", owner)) }
        if let userPseudonym { fields.append(("user", userPseudonym)) }
        if !skipped.isEmpty {
            fields.append(("skipped", skipped.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")))
        }
        if !redacted.isEmpty {
            let parts = redacted.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.joined(separator: "+"))" }
            fields.append(("redacted", parts.joined(separator: ",")))
        }
        if let reason { fields.append(("reason", reason)) }
        fields.append(("policy", policyHash))
        return "decision " + fields.map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: " ")
    }

    /// The value as is, or in double quotes with `"` and `\` escaped when it has spaces, quotes or `=`.
    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.isNewline })
        else { return value }
        var result = "\""
        for character in value {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n", "\r": result += " "
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
