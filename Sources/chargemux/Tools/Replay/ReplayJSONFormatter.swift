import OCPP

/// The JSON form of `replay` (documented in `docs/cli.md`).
enum ReplayJSONFormatter {
    /// The whole report.
    static func document(_ report: ReplayReport) -> JSONValue {
        let stats = report.stats
        return [
            "policy": .string(report.policy.name),
            "capture": .string(report.capture),
            "rows": .array(report.rows.map { row in
                [
                    "backend": .string(row.backend), "action": .string(row.action),
                    "routed": .integer(row.stats.routed), "answered": .integer(row.stats.answered),
                    "allowed": .integer(row.stats.allowed), "denied": .integer(row.stats.denied),
                    "deniedBy": .array(row.stats.deniedBy.map { ["rule": .string($0.rule), "count": .integer($0.count)] }),
                    "redacted": .integer(row.stats.redacted), "redactedFields": .strings(row.stats.redactedFields),
                ]
            }),
            "gatewayAnswered": .array(stats.gatewayAnswered.sorted { $0.key < $1.key }.map {
                ["action": .string($0.key), "count": .integer($0.value)]
            }),
            "rejected": .array(stats.rejected.sorted { $0.key < $1.key }.map {
                ["action": .string($0.key.action), "errorCode": .string($0.key.errorCode), "count": .integer($0.value)]
            }),
            "problems": .array(stats.problems.map { ["line": .integer($0.line), "message": .string($0.message)] }),
            "totals": [
                "lines": .integer(stats.lines), "chargePointCalls": .integer(stats.chargePointCalls),
                "rejected": .integer(stats.rejectedCount), "backendCalls": .integer(stats.backendCalls),
                "allowed": .integer(stats.allowedCount), "denied": .integer(stats.deniedCount),
                "answers": .integer(stats.answers), "otherFrames": .integer(stats.ignored),
                "badLines": .integer(stats.problems.count),
            ],
        ]
    }
}
