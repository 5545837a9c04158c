import Runtime

/// The text form of `explain`: the decision first, then the rules behind it, in order.
enum ExplainTextFormatter {
    /// A charge-point call's explanation.
    static func render(_ explanation: RouteExplanation) -> String {
        let call = explanation.call
        var lines = ["\(call.action) (id `\(call.id)`) from charge point `\(explanation.chargePoint)`"]
        lines += explanation.warnings.map { "warning: \($0)" }
        switch explanation.ownerSource {
        case .given: lines.append("owner: \(explanation.owner ?? "none") (given by `--owner`)")
        case .rule(let rule): lines += ["owner: \(explanation.owner ?? "none")", cite(rule)]
        case .none(let reason): lines.append("owner: none (\(reason))")
        }
        lines.append(explanation.matchedRules.isEmpty ? "matched route rules: none" : "matched route rules:")
        lines += explanation.matchedRules.map(cite)
        var targets = explanation.targets
        if explanation.gatewayIsTarget { targets.append("gateway") }
        lines.append("targets: " + (targets.isEmpty ? "none" : targets.joined(separator: ", ")))
        if let responder = explanation.responder {
            let reason = explanation.responderReason.map(\.rawValue) ?? "?"
            lines.append("responder: \(responder) (\(reason)\(explanation.responderRule.map { ", \($0.location)" } ?? ""))")
        }
        lines.append("outcome: " + outcome(explanation))
        for delivery in explanation.deliveries {
            lines.append("\(delivery.backend) receives: \(delivery.payload.serialized)")
            lines += delivery.changes.isEmpty ? ["  unchanged"] : delivery.changes.map { "  \($0.summary)" }
        }
        if explanation.usedDefaultHashKey {
            lines.append("note: pseudonyms use the default test key `\(ExplainTool.defaultHashKey)`; pass `--hash-key` or `--config` for the gateway's")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A backend call's explanation.
    static func render(_ explanation: PermissionExplanation) -> String {
        let call = explanation.call
        let target = explanation.chargePoint.map { "charge point `\($0)`" } ?? "any charge point"
        var lines = ["\(call.action) (id `\(call.id)`) from backend `\(explanation.backend)` to \(target)"]
        lines += explanation.warnings.map { "warning: \($0)" }
        if let owner = explanation.owner { lines.append("owner: \(owner) (given by `--owner`)") }
        lines.append("verdict: \(explanation.verdict)")
        if let rule = explanation.decidingRule { lines.append(cite(rule)) }
        lines.append(explanation.matchedRules.isEmpty ? "matching rules: none" : "matching rules:")
        lines += explanation.matchedRules.map(cite)
        if !explanation.skippedRules.isEmpty {
            lines.append("not considered (limited to charge points; pass `--charge-point`):")
            lines += explanation.skippedRules.map(cite)
        }
        let redactions = explanation.responseRedactions
        lines.append("the charge point's answer to \(explanation.backend): " + (redactions.isEmpty ? "no redactions" : "redacted"))
        lines += redactions.map { "  \($0.path) as \($0.mode)\($0.rule.map { " (\($0.location))" } ?? "")" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `  site.policy:17  route Authorize to owner`.
    static func cite(_ rule: RuleInfo) -> String { "  \(rule.location)  \(rule.text)" }

    private static func outcome(_ explanation: RouteExplanation) -> String {
        switch explanation.outcome {
        case .forward:
            return "forward to \(explanation.targets.joined(separator: ", ")); \(explanation.responder ?? "?") answers the charge point"
        case .gatewayAnswers(let answer):
            let copies = explanation.targets.isEmpty ? "" : "; copies go to \(explanation.targets.joined(separator: ", "))"
            return "the gateway answers itself (\(answer))\(copies)"
        case .callError(let code, let reason):
            return "CALLERROR `\(code)`: \(reason)"
        }
    }
}
