/// The table form of `replay`: a row per backend and action, the gateway's own answers, totals,
/// and the charge-point calls no rule routes.
enum ReplayTableFormatter {
    /// The whole report as text.
    static func render(_ report: ReplayReport) -> String {
        var table = TextTable(headers: ["BACKEND", "ACTION", "ROUTED", "ANSWERED", "ALLOWED", "DENIED", "REDACTED", "DETAILS"],
                              rightAligned: [2, 3, 4, 5, 6])
        for row in report.rows {
            let stats = row.stats
            var details: [String] = []
            if !stats.deniedBy.isEmpty {
                details.append("denied by " + stats.deniedBy.map { "\($0.rule) ×\($0.count)" }.joined(separator: ", "))
            }
            if !stats.redactedFields.isEmpty { details.append("redacted " + stats.redactedFields.joined(separator: ", ")) }
            table.rows.append([row.backend, row.action, count(stats.routed), count(stats.answered), count(stats.allowed),
                               count(stats.denied), count(stats.redacted), details.joined(separator: "; ")])
        }
        for (action, answered) in report.stats.gatewayAnswered.sorted(by: { $0.key < $1.key }) {
            table.rows.append(["gateway", action, "-", String(answered), "-", "-", "-", "answered by the gateway"])
        }
        var output = "replay of `\(report.capture)` through policy `\(report.policy.name)`\n\n" + table.render()
        output += "\ntotals: \(report.totals)\n"
        if !report.stats.rejected.isEmpty {
            output += "rejected charge-point calls (no route):\n"
            for (key, count) in report.stats.rejected.sorted(by: { $0.key < $1.key }) {
                output += "  \(key.action): \(count) (CALLERROR \(key.errorCode))\n"
            }
        }
        return output
    }

    /// A count, with `-` for zero so the eye finds the numbers.
    private static func count(_ value: Int) -> String { value == 0 ? "-" : String(value) }
}
