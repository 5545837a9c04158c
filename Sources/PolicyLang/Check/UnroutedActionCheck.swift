import OCPP

/// W102: charge-point actions that no route rule names are answered by the gateway with a
/// CALLERROR (`NotSupported`); one finding lists them all.
struct UnroutedActionCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        let routed = Set(context.policy.routeRules.flatMap { $0.actions.map(\.name) })
        let unrouted = context.policy.catalog.actions
            .filter { $0.direction.chargePointMaySend && !routed.contains($0.name) }
            .map(\.name)
        guard !unrouted.isEmpty else { return }
        let names = unrouted.map { "`\($0)`" }.joined(separator: ", ")
        context.report(.unroutedAction, "no rule routes these charge-point actions: \(names)", at: context.headerSpan,
                       help: "the gateway answers them with a `NotSupported` error; route them (`route ACTION to BACKEND`) "
                           + "if a backend should get them")
    }
}
