/// E303: `to gateway` makes the gateway answer the charge point itself, which it can only do for
/// the few actions with a fixed answer (Heartbeat, BootNotification, notifications).
struct GatewayAnswerCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        let answerable = context.policy.catalog.chargePointActions.filter { $0.gatewayAnswer != nil }.map(\.name)
        for rule in context.policy.routeRules where rule.targets.contains(.gateway) {
            let cannot = rule.actions.filter { $0.spec.gatewayAnswer == nil }.map(\.name)
            guard !cannot.isEmpty, let target = rule.syntax.targets.first(where: { $0.name == "gateway" }) else { continue }
            let verb = cannot.count == 1 ? "needs" : "need"
            context.report(.gatewayCannotAnswer,
                           "the gateway cannot answer \(CheckContext.quotedList(cannot, limit: 10)): "
                               + "\(cannot.count == 1 ? "it" : "they") \(verb) a backend's answer",
                           at: target.span, label: "cannot answer `\(cannot[0])`",
                           help: "route \(CheckContext.quotedList(cannot, limit: 3)) to a backend; the gateway answers only "
                               + CheckContext.quotedList(answerable, limit: 20))
        }
    }
}
