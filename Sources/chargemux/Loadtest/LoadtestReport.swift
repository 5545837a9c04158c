import Foundation
import Histogram
import OCPP

/// What a load test measured, as a table or as JSON.
struct LoadtestReport: Sendable {
    let options: LoadtestOptions
    /// From the first call to the last answer.
    let seconds: Double
    /// Charge points connected when the traffic started.
    let connected: Int
    /// By `LoadAction.rawValue`.
    let actions: [CallStats]
    /// The first backend's calls to the charge points, by action.
    let backendCalls: [String: CallStats]
    /// Charge point connections that dropped during the run.
    let disconnects: Int
    /// Per backend port (the backends that should have got the messages): calls missing.
    let undeliveredByBackend: [Int: Int]
    /// Calls at backends that should have got none (`--expect first`).
    let unexpected: Int
    /// MeterValues and StopTransaction a backend got with a transaction id it never assigned to
    /// that charge point.
    let wrongTransactionIds: Int
    /// Seconds from the first charge point's connect to the moment all were connected (`nil`:
    /// not all of them within the connect timeout).
    var connectSeconds: Double? = nil
    /// Seconds from the first charge point's connect to the moment all were connected and every
    /// backend that should see them had them connected too (through the gateway: its onward
    /// links); `nil`: not within the connect timeout.
    var linkSeconds: Double? = nil
    /// The two hops of each call (``LoadHops``): to the first backend and back from it; `nil`
    /// when the backends run in another process.
    var hops: LoadHops.Stats? = nil

    /// Charge point calls answered with a CALLRESULT.
    var messages: Int { actions.reduce(0) { $0 + $1.answered } }
    var messagesPerSecond: Double { seconds > 0 ? Double(messages) / seconds : 0 }
    var undelivered: Int { undeliveredByBackend.values.reduce(0, +) }
    var connectFailures: Int { options.chargePoints - connected }

    var overall: CallStats {
        var total = CallStats()
        for action in actions { total.add(action) }
        return total
    }

    var backendCallsTotal: CallStats {
        var total = CallStats()
        for stats in backendCalls.values { total.add(stats) }
        return total
    }

    /// Every failure: CALLERRORs, timeouts, calls lost with a dropped connection, dropped
    /// connections, charge points that never connected, failed backend calls.
    var errors: Int {
        let chargePoint = overall
        let backend = backendCallsTotal
        return chargePoint.callErrors + chargePoint.timeouts + chargePoint.dropped + disconnects + connectFailures
            + backend.callErrors + backend.timeouts + backend.dropped
    }

    var passed: Bool { errors == 0 && undelivered == 0 && wrongTransactionIds == 0 && unexpected == 0 && messages > 0 }

    // MARK: JSON

    static func milliseconds(_ micros: UInt64) -> JSONValue { .number(String(format: "%.3f", Double(micros) / 1000)) }

    static func latency(_ stats: CallStats) -> JSONValue {
        guard stats.latency.totalCount > 0 else {
            return ["p50": .null, "p99": .null, "p999": .null, "max": .null]
        }
        return .object(JSONObject([
            ("p50", milliseconds(stats.latency.valueAtPercentile(50))),
            ("p99", milliseconds(stats.latency.valueAtPercentile(99))),
            ("p999", milliseconds(stats.latency.valueAtPercentile(99.9))),
            ("max", milliseconds(stats.latency.max)),
        ]))
    }

    static func entry(_ stats: CallStats) -> JSONValue {
        .object(JSONObject([
            ("count", .integer(stats.answered)),
            ("errors", .integer(stats.callErrors + stats.timeouts + stats.dropped)),
            ("latencyMs", latency(stats)),
        ]))
    }

    var json: JSONValue {
        let byAction = LoadAction.allCases.filter { actions[$0.rawValue].answered + actions[$0.rawValue].callErrors > 0 }
            .map { ($0.name, Self.entry(actions[$0.rawValue])) }
        let backend = backendCalls.keys.sorted().map { ($0, Self.entry(backendCalls[$0]!)) }
        let total = overall
        let backendTotal = backendCallsTotal
        return .object(JSONObject([
            ("target", .string(options.target.absoluteString)),
            ("backends", .array(options.backendPorts.map { .integer($0) })),
            ("expect", .string(options.expect.rawValue)),
            ("profile", .string(options.profile.rawValue)),
            ("chargePoints", .integer(options.chargePoints)),
            ("connected", .integer(connected)),
            ("connectSeconds", connectSeconds.map { .number(String(format: "%.3f", $0)) } ?? .null),
            ("linkSeconds", linkSeconds.map { .number(String(format: "%.3f", $0)) } ?? .null),
            ("seconds", .number(String(format: "%.3f", seconds))),
            ("messages", .integer(messages)),
            ("messagesPerSecond", .number(String(format: "%.1f", messagesPerSecond))),
            ("latencyMs", Self.latency(total)),
            ("actions", .object(JSONObject(byAction))),
            ("backendCalls", .object(JSONObject(backend))),
            ("errors", .integer(errors)),
            ("errorDetails", .object(JSONObject([
                ("callErrors", .integer(total.callErrors)),
                ("timeouts", .integer(total.timeouts)),
                ("lostWithConnection", .integer(total.dropped)),
                ("disconnects", .integer(disconnects)),
                ("connectFailures", .integer(connectFailures)),
                ("backendCallErrors", .integer(backendTotal.callErrors + backendTotal.timeouts + backendTotal.dropped)),
            ]))),
            ("undelivered", .integer(undelivered)),
            ("undeliveredByBackend", .object(JSONObject(undeliveredByBackend.keys.sorted().map {
                (String($0), .integer(undeliveredByBackend[$0]!))
            }))),
            ("unexpected", .integer(unexpected)),
            ("wrongTransactionIds", .integer(wrongTransactionIds)),
            ("hopsMs", hops.map { .object(JSONObject([("toFirstBackend", Self.latency($0.out)),
                                                       ("backFromFirstBackend", Self.latency($0.back))])) } ?? .null),
        ]))
    }

    // MARK: Text

    var text: String {
        func row(_ name: String, _ stats: CallStats) -> String {
            let cells: [String]
            if stats.latency.totalCount > 0 {
                cells = [50, 99, 99.9].map { ms(stats.latency.valueAtPercentile($0)) } + [ms(stats.latency.max)]
            } else {
                cells = ["-", "-", "-", "-"]
            }
            let errors = stats.callErrors + stats.timeouts + stats.dropped
            return pad(name, 22) + padLeft(String(stats.answered), 9) + padLeft(String(errors), 7)
                + cells.map { padLeft($0, 10) }.joined()
        }
        var lines = [
            "loadtest: \(connected)/\(options.chargePoints) charge points → \(options.target.absoluteString), backends "
                + options.backendPorts.map(String.init).joined(separator: ",") + " (expect \(options.expect.rawValue))",
            "connected in " + (connectSeconds.map { String(format: "%.2f s", $0) } ?? "-") + ", with the backends' links in "
                + (linkSeconds.map { String(format: "%.2f s", $0) } ?? "-") + " (profile \(options.profile.rawValue))",
            "\(messages) messages in \(String(format: "%.2f", seconds)) s: \(String(format: "%.1f", messagesPerSecond)) msg/s",
            "",
            pad("action", 22) + padLeft("count", 9) + padLeft("errors", 7) + ["p50 ms", "p99 ms", "p99.9 ms", "max ms"]
                .map { padLeft($0, 10) }.joined(),
        ]
        for action in LoadAction.allCases where actions[action.rawValue].answered + actions[action.rawValue].callErrors > 0 {
            lines.append(row(action.name, actions[action.rawValue]))
        }
        lines.append(row("all charge point calls", overall))
        for name in backendCalls.keys.sorted() { lines.append(row("← " + name, backendCalls[name]!)) }
        if let hops, hops.out.answered > 0 {
            lines.append(row("hop: to first backend", hops.out))
            lines.append(row("hop: back from it", hops.back))
        }
        lines.append("")
        lines.append("errors \(errors), undelivered \(undelivered), unexpected \(unexpected), "
            + "wrong transaction ids \(wrongTransactionIds)")
        lines.append(passed ? "PASS" : "FAIL")
        return lines.joined(separator: "\n")
    }

    private func ms(_ micros: UInt64) -> String { String(format: "%.3f", Double(micros) / 1000) }
    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
    private func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
