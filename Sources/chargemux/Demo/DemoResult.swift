/// How the demo went.
struct DemoResult: Sendable {
    /// How many numbered steps ran.
    var steps: Int
    /// What deviated from what the policy says, by step; empty when all went as expected.
    var deviations: [String]
    /// The CALLs each backend received, counted by action.
    var receivedCalls: [String: [String: Int]]
    /// Seconds the whole demo took.
    var seconds: Double

    /// Whether every step went as the policy says.
    var succeeded: Bool { deviations.isEmpty }
}

/// The summary table: per backend, the calls it received by action.
enum DemoSummary {
    /// Columns, in the order of the story; actions outside the list get columns at the end.
    static let columns: [(action: String, title: String)] = [
        ("BootNotification", "Boot"), ("StatusNotification", "Status"), ("Authorize", "Authorize"),
        ("StartTransaction", "Start"), ("MeterValues", "Meter"), ("DataTransfer", "Data"),
        ("StopTransaction", "Stop"), ("Heartbeat", "Heartbeat"),
    ]

    static func table(_ counts: [String: [String: Int]], backends: [String]) -> [String] {
        let known = Set(columns.map(\.action))
        let extra = Set(counts.values.flatMap(\.keys)).subtracting(known).sorted().map { ($0, $0) }
        let used = (columns + extra).filter { column in counts.values.contains { ($0[column.0] ?? 0) > 0 } }
        var header = "backend".padded(to: 10)
        for column in used { header += " " + column.1.leftPadded(to: max(5, column.1.count)) }
        header += "  total"
        var lines = ["calls received, by backend and action:", header]
        for backend in backends {
            let row = counts[backend] ?? [:]
            var line = backend.padded(to: 10)
            for column in used { line += " " + String(row[column.0] ?? 0).leftPadded(to: max(5, column.1.count)) }
            line += "  " + String(row.values.reduce(0, +)).leftPadded(to: 5)
            lines.append(line)
        }
        return lines
    }
}

extension String {
    /// The string preceded by spaces up to `width` characters (never cut).
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
