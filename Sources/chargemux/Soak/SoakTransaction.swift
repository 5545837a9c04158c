import OCPP

/// One transaction a soak charge point ran, with the marker that finds its messages at each backend:
/// `meterStart` of the start, the meter value text of each MeterValues, `meterStop` of the stop.
struct SoakTransaction: Sendable {
    let chargePoint: String
    let idTag: String
    let marker: Int
    let meterValues: Int

    var owner: String { idTag.hasPrefix("FLEET-") ? "fleet" : "billing" }

    /// What each backend it is meant for must receive, in this order.
    var expected: [String] {
        ["StartTransaction:\(marker)"] + (0..<meterValues).map { "MeterValues:\(marker + $0 + 1)" } + ["StopTransaction:\(marker + 500)"]
    }

    /// The marker a received transaction message carries, as in `expected`, or `nil`.
    static func key(of frame: OCPPFrame) -> String? {
        guard case .call(_, let action, let payload) = frame else { return nil }
        switch action {
        case "StartTransaction": return payload["meterStart"]?.intValue.map { "StartTransaction:\($0)" }
        case "StopTransaction": return payload["meterStop"]?.intValue.map { "StopTransaction:\($0)" }
        case "MeterValues":
            let value = payload["meterValue"]?.arrayValue?.first?["sampledValue"]?.arrayValue?.first?["value"]?.stringValue
            return value.map { "MeterValues:\($0)" }
        default: return nil
        }
    }
}
