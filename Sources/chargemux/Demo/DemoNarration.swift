import Gateway
import OCPP

/// Turns the events of one exchange (a call, the gateway's decision, the copies, the answers)
/// into lines a person can follow:
///
/// ```
/// CP-1 → gateway     StartTransaction #CP-1-5 {connectorId 1, idTag FLEET-0042, meterStart 10000}
/// gateway decides    forward to fleet, ems; fleet answers
///                    by site.policy:17  route Authorize, StartTransaction, StopTransaction, MeterValues to owner
/// gateway → fleet    StartTransaction (owner; answers)
/// gateway → ems      StartTransaction, idTag → "fleet" (redacted) (copy)
/// fleet → gateway    transactionId 2000 (answers the charge point)
/// ems → gateway      transactionId 3000 (kept by the gateway; ems sees only its own ids)
/// gateway → CP-1     {transactionId 2000, idTagInfo {status Accepted}}
/// ```
struct DemoNarration: Sendable {
    let chargePoint: String
    /// The backends in the order their lines appear.
    let backendOrder: [String]
    /// The source text of a rule, by its `file:line`.
    let ruleText: @Sendable (String) -> String?
    /// A folder whose path is left out of what is shown (the demo's temporary copy of the example).
    var hiddenFolder: String = ""

    /// Width of the `who → whom` column.
    static let column = 19

    /// The lines for `events`. With `causal`, they are put in the order things happen in one
    /// exchange (call, decision, forwarded calls, answers, answer to the caller), whatever order
    /// the threads reported them in; without, in arrival order.
    func lines(for events: [DemoEvent], causal: Bool = true) -> [String] {
        let origin = events.lazy.compactMap { event -> (sender: String, payload: JSONValue)? in
            if case .simulator(.sent(let sender, _, .call(_, _, let payload))) = event { return (sender, payload) }
            return nil
        }.first
        let decision = events.lazy.compactMap { event -> DecisionLine? in
            if case .gateway(.decision(let line)) = event { return line }
            return nil
        }.first
        var ranked: [(rank: Int, order: Int, arrival: Int, line: String)] = []
        for (arrival, event) in events.enumerated() {
            guard let (rank, who, text) = describe(event, origin: origin, decision: decision) else { continue }
            let order = backendOrder.firstIndex(of: who) ?? -1
            ranked.append((causal ? rank : 0, causal ? order : 0, arrival, text))
        }
        ranked.sort { ($0.rank, $0.order, $0.arrival) < ($1.rank, $1.order, $1.arrival) }
        return ranked.flatMap { $0.line.split(separator: "\n").map(String.init) }
    }

    /// `who` in the first column, then `text`; a second line of `text` goes under the first.
    private func row(_ who: String, _ text: String) -> String {
        let shown = hiddenFolder.isEmpty ? text : text.replacingOccurrences(of: hiddenFolder + "/", with: "")
        return who.padded(to: Self.column)
            + shown.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: Self.column))
    }

    /// The rank in an exchange, the backend the line is about (for ordering) and the line.
    private func describe(_ event: DemoEvent, origin: (sender: String, payload: JSONValue)?,
                          decision: DecisionLine?) -> (Int, String, String)? {
        switch event {
        case .simulator(.sent(let sender, _, .call(let id, let action, let payload))):
            return (0, sender, row("\(sender) → gateway", "\(action) #\(id) \(PayloadSummary.short(payload, limit: 70))"))
        case .gateway(.decision(let line)):
            return (1, "", row("gateway decides", decisionText(line)))
        case .simulator(.received(let receiver, _, .call(_, let action, let payload))):
            var notes = origin.map { changes(from: $0.payload, to: payload, for: receiver, decision: decision) } ?? []
            if origin == nil, action == "BootNotification" {
                notes.append("(the charge point's cached boot, replayed before anything else)")
            } else if receiver != chargePoint, let decision {
                if decision.responder == receiver {
                    notes.append(decision.owner == receiver ? "(owner; answers)" : "(answers)")
                } else {
                    notes.append("(copy)")
                }
            }
            return (2, receiver, row("gateway → \(receiver)", ([action] + notes).joined(separator: ", ")
                .replacingOccurrences(of: ", (", with: " (")))
        case .simulator(.sent(let sender, _, let answer)) where sender != origin?.sender:
            return (3, sender, row("\(sender) → gateway", answerText(answer, from: sender, decision: decision)))
        case .simulator(.received(let receiver, _, let answer)):
            return (4, receiver, row("gateway → \(receiver)", answerText(answer, from: nil, decision: nil)))
        case .simulator(.sent):
            return nil
        case .simulator(.connected(let simulator, let peer)) where simulator == chargePoint:
            return (5, "", row("\(chargePoint) ⇄ \(peer)", "connected"))
        case .simulator(.disconnected(let simulator, let peer)) where simulator == chargePoint:
            return (5, "", row("\(chargePoint) ✕ \(peer)", "DISCONNECTED"))
        case .simulator(.connected), .simulator(.disconnected):
            return nil  // the gateway's own view of its backend links says it better
        case .gateway(.backendConnected(let backend)):
            return (5, backend, row("gateway ⇄ \(backend)", "link up"))
        case .gateway(.backendDisconnected(let backend)):
            return (5, backend, row("gateway ✕ \(backend)", "link down; reconnecting with backoff"))
        case .gateway(.attemptFailed(let backend)):
            return (5, backend, row("gateway ✕ \(backend)", "connection attempt failed"))
        case .gateway(.reconnectScheduled(let backend, let attempt, let delay)):
            let seconds = Double(delay) / 1000
            return (5, backend, row("gateway ⟳ \(backend)", "attempt \(attempt) in \(seconds.formatted(decimals: 2)) s"))
        case .gateway(.notDelivered(let backend, let action, let reason)):
            return (5, backend, row("gateway ✕ \(backend)", "\(action) not delivered (\(reason))"))
        case .gateway(.problem(let message)):
            return (5, "", row("gateway (log)", message))
        }
    }

    /// What the gateway changed between the caller's payload and what `receiver` got.
    private func changes(from original: JSONValue, to forwarded: JSONValue, for receiver: String,
                         decision: DecisionLine?) -> [String] {
        var dropped: [String] = []
        var changed: [String] = []
        let redacted = Set((decision?.redacted[receiver] ?? "").split(separator: "+").map(String.init))
        func walk(_ old: JSONValue, _ new: JSONValue?, path: String) {
            guard let new else { dropped.append(path); return }
            if case .object(let oldObject) = old, case .object = new {
                for member in oldObject.members {
                    walk(member.value, new[member.key], path: path.isEmpty ? member.key : "\(path).\(member.key)")
                }
                return
            }
            guard old != new else { return }
            let key = path.split(separator: ".").last.map(String.init) ?? path
            var text = "\(path) → \(Self.literal(new))"
            if redacted.contains(path) || redacted.contains(key) {
                text += " (redacted)"
            } else if key == "transactionId" {
                text = "\(path) \(Self.literal(old)) → \(Self.literal(new))"
                text += receiver == chargePoint ? " (the charge point's id)" : " (\(receiver)'s own id)"
            }
            changed.append(text)
        }
        walk(original, forwarded, path: "")
        if !dropped.isEmpty { changed.append("without \(dropped.joined(separator: ", ")) (dropped)") }
        return changed
    }

    private func answerText(_ answer: OCPPFrame, from sender: String?, decision: DecisionLine?) -> String {
        switch answer {
        case .callError(_, let code, let description, _):
            return "CALLERROR \(code): \(description)"
        case .call:
            return "?"
        case .callResult(_, let payload):
            guard let sender, sender != chargePoint else { return PayloadSummary.short(payload, limit: 90, omitting: []) }
            let text = payload["transactionId"].map { "transactionId \(Self.literal($0))" }
                ?? PayloadSummary.short(payload, limit: 50)
            if decision?.responder == sender { return text + " (answers the charge point)" }
            if payload["transactionId"] != nil { return text + " (kept by the gateway; \(sender) sees only its own ids)" }
            return text + " (consumed by the gateway)"
        }
    }

    private func decisionText(_ line: DecisionLine) -> String {
        var parts: [String]
        switch line.verdict {
        case "forward":
            parts = ["forward to \(line.targets.joined(separator: ", "))" + (line.responder.map { "; \($0) answers" } ?? "")]
        case "gateway":
            parts = ["answered by the gateway itself"]
        case "allow":
            parts = ["ALLOWED for \(line.sender)"]
        case "deny":
            parts = ["DENIED for \(line.sender)"]
        default:
            parts = ["\(line.verdict)" + (line.reason.map { ": \($0)" } ?? "")]
        }
        if !line.skipped.isEmpty {
            parts.append("skipped " + line.skipped.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", "))
        }
        guard let rule = line.rule else { return parts.joined(separator: " · ") }
        let short = rule.split(separator: "/").last.map(String.init) ?? rule
        return parts.joined(separator: " · ") + "\nby " + (ruleText(rule).map { "\(short)  \($0)" } ?? short)
    }

    /// A value as a person would write it: strings in quotes, numbers bare.
    static func literal(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "\"\(text)\"" }
        return PayloadSummary.short(value, limit: 40)
    }
}

extension String {
    /// The string followed by spaces up to `width` characters (never cut).
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

extension Double {
    /// `0.25`: fixed decimals, without Foundation's locale.
    func formatted(decimals: Int) -> String {
        let scale = (0..<decimals).reduce(1.0) { value, _ in value * 10 }
        let scaled = Int((self * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        return "\(whole)." + String(repeating: "0", count: max(0, decimals - fraction.count)) + fraction
    }
}
