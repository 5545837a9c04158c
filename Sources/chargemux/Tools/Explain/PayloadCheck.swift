import OCPP

/// Checks an explained or replayed call against the catalog: the action exists, goes in this
/// direction, and its payload fits the schema. Findings are warnings; the tools still explain.
enum PayloadCheck {
    /// Warnings about `call` sent by the charge point (`fromChargePoint`) or by a backend.
    static func warnings(for call: CallMessage, fromChargePoint: Bool, catalog: OCPPCatalog) -> [String] {
        guard let spec = catalog.action(named: call.action) else {
            let hint = catalog.nearestActionName(to: call.action).map { "; did you mean `\($0)`?" } ?? ""
            return ["`\(call.action)` is not an ocpp \(catalog.version.rawValue) action\(hint)"]
        }
        var warnings: [String] = []
        if fromChargePoint && !spec.direction.chargePointMaySend {
            warnings.append("a charge point does not send `\(call.action)`; only backends do")
        } else if !fromChargePoint && !spec.direction.backendMaySend {
            warnings.append("a backend does not send `\(call.action)`; only charge points do")
        }
        for violation in catalog.validate(call.payload, against: spec.request) {
            warnings.append("\(violation.message) (\(violation.code))")
        }
        return warnings
    }
}
