import OCPP

extension Resolver {
    /// Which side sends the actions a rule names.
    enum Sender {
        case chargePoint
        case backend

        var description: String { self == .chargePoint ? "charge points" : "backends" }
    }

    /// Binds action names, reporting unknown actions and actions the sender cannot send.
    mutating func actions(_ names: [Identifier], sentBy sender: Sender) -> [ActionReference] {
        var bound: [ActionReference] = []
        for name in names {
            guard let index = catalog.actionIndex(named: name.name), let spec = catalog.action(named: name.name) else {
                let help = catalog.nearestActionName(to: name.name).map { "did you mean `\($0)`?" }
                report(.unknownAction, "unknown action `\(name.name)` for ocpp \(version.rawValue)", at: name.span,
                       label: "not an ocpp \(version.rawValue) action", help: help)
                continue
            }
            let allowed = sender == .chargePoint ? spec.direction.chargePointMaySend : spec.direction.backendMaySend
            guard allowed else {
                let (rightSide, fix) = sender == .chargePoint
                    ? ("backends send `\(spec.name)` to charge points", "govern it with `allow`/`deny`")
                    : ("charge points send `\(spec.name)`, backends don't", "route it with `route \(spec.name) to ...`")
                report(.wrongDirection, "`\(spec.name)` cannot be sent by \(sender.description): \(rightSide)",
                       at: name.span, help: fix)
                continue
            }
            if bound.contains(where: { $0.index == index }) { continue }
            bound.append(ActionReference(spec: spec, index: index, span: name.span))
        }
        return bound
    }
}
