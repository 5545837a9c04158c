import OCPP

/// One line per ``SimulatorEvent``, as `chargemux simulate backend` and `simulate chargepoint`
/// print them: who, which way, the frame type, the action, the message id and a short payload.
///
/// ```
/// billing ← CP-1      CALL       BootNotification #CP-1-1 {chargePointVendor V, chargePointModel M}
/// billing → CP-1      CALLRESULT #CP-1-1 {status Accepted, interval 300}
/// ```
public enum SimulatorEventLine {
    /// The line for `event`, with payloads cut at `payloadLimit` characters.
    public static func line(for event: SimulatorEvent, payloadLimit: Int = 90) -> String {
        switch event {
        case .connected(let simulator, let peer): return "\(simulator) ⇄ \(peer)  connected"
        case .disconnected(let simulator, let peer): return "\(simulator) ✕ \(peer)  disconnected"
        case .received(let simulator, let peer, let frame):
            return "\(simulator) ← \(peer)".padded(to: 22) + " " + describe(frame, payloadLimit: payloadLimit)
        case .sent(let simulator, let peer, let frame):
            return "\(simulator) → \(peer)".padded(to: 22) + " " + describe(frame, payloadLimit: payloadLimit)
        }
    }

    /// `CALL StartTransaction #CP-1-5 {…}`, `CALLRESULT #CP-1-5 {…}` or `CALLERROR #id Code: description`.
    public static func describe(_ frame: OCPPFrame, payloadLimit: Int = 90) -> String {
        switch frame {
        case .call(let id, let action, let payload):
            return "CALL       \(action) #\(id) \(PayloadSummary.short(payload, limit: payloadLimit))"
        case .callResult(let id, let payload):
            return "CALLRESULT #\(id) \(PayloadSummary.short(payload, limit: payloadLimit))"
        case .callError(let id, let code, let description, _):
            return "CALLERROR  #\(id) \(code): \(description)"
        }
    }
}

extension String {
    /// The string followed by spaces up to `width` characters (never cut).
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
