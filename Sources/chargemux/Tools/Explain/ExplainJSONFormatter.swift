import OCPP
import Runtime

/// The JSON form of `explain` (documented in `docs/cli.md`).
enum ExplainJSONFormatter {
    /// A charge-point call's explanation; `hashKey` says where the pseudonym key came from.
    static func document(_ explanation: RouteExplanation, hashKey: String) -> JSONValue {
        let call = explanation.call
        let owner: JSONValue = switch explanation.ownerSource {
        case .given: ["backend": .optional(explanation.owner), "source": "given", "rule": .null, "reason": .null]
        case .rule(let rule): ["backend": .optional(explanation.owner), "source": "rule", "rule": cite(rule), "reason": .null]
        case .none(let reason): ["backend": .null, "source": "none", "rule": .null, "reason": .string(reason)]
        }
        let responder: JSONValue = explanation.responder.map { name in
            ["name": .string(name), "reason": .optional(explanation.responderReason?.rawValue),
             "rule": explanation.responderRule.map(cite) ?? .null]
        } ?? .null
        return [
            "direction": "fromChargePoint",
            "chargePoint": .string(explanation.chargePoint),
            "messageId": .string(call.id),
            "action": .string(call.action),
            "warnings": .strings(explanation.warnings),
            "owner": owner,
            "matchedRules": .array(explanation.matchedRules.map(cite)),
            "targets": .strings(explanation.targets),
            "gatewayIsTarget": .bool(explanation.gatewayIsTarget),
            "responder": responder,
            "outcome": outcome(explanation.outcome),
            "deliveries": .array(explanation.deliveries.map(delivery)),
            "hashKey": .string(hashKey),
        ]
    }

    /// A backend call's explanation.
    static func document(_ explanation: PermissionExplanation) -> JSONValue {
        [
            "direction": "toChargePoint",
            "backend": .string(explanation.backend),
            "chargePoint": .optional(explanation.chargePoint),
            "messageId": .string(explanation.call.id),
            "action": .string(explanation.call.action),
            "warnings": .strings(explanation.warnings),
            "owner": .optional(explanation.owner),
            "allowed": .bool(explanation.allowed),
            "decidingRule": explanation.decidingRule.map(cite) ?? .null,
            "verdict": .string(explanation.verdict),
            "matchedRules": .array(explanation.matchedRules.map(cite)),
            "skippedRules": .array(explanation.skippedRules.map(cite)),
            "responseRedactions": .array(explanation.responseRedactions.map { redaction in
                ["path": .string(redaction.path), "mode": .string(redaction.mode.description),
                 "rule": redaction.rule.map(cite) ?? .null]
            }),
        ]
    }

    /// A rule as `{"location", "kind", "name", "text"}`.
    static func cite(_ rule: RuleInfo) -> JSONValue {
        ["location": .string(rule.location), "kind": .string(rule.kind.rawValue), "name": .optional(rule.name),
         "text": .string(rule.text)]
    }

    private static func outcome(_ outcome: RouteExplanation.Outcome) -> JSONValue {
        switch outcome {
        case .forward: ["kind": "forward"]
        case .gatewayAnswers(let answer): ["kind": "gatewayAnswers", "answer": .string(answer)]
        case .callError(let code, let reason): ["kind": "callError", "errorCode": .string(code), "reason": .string(reason)]
        }
    }

    private static func delivery(_ delivery: Delivery) -> JSONValue {
        [
            "backend": .string(delivery.backend),
            "payload": delivery.payload,
            "changes": .array(delivery.changes.map { change in
                ["path": .string(change.path), "mode": .string(change.mode.description),
                 "rule": change.rule.map(cite) ?? .null, "before": .array(change.before), "after": .array(change.after)]
            }),
        ]
    }
}
