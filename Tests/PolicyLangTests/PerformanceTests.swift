import Foundation
import Testing
@testable import PolicyLang

/// Lint time of a large policy: the checks must stay near-linear in the number of rules.
@Suite("performance")
struct PerformanceTests {
    /// A 10,000-rule policy shaped like a large operator's: owner rules per fleet and badge, routes
    /// per vendor and charge point, permissions per configuration key and charge-point group, and
    /// redactions per backend.
    static func largePolicy(rules: Int = 10_000) -> String {
        let backends = (0..<16).map { "backend\($0)" }
        var lines = ["policy \"large\" for ocpp 1.6", "backends " + backends.joined(separator: ", "), "primary backend0"]
        let share = rules / 5
        for index in 0..<share {
            let backend = backends[index % backends.count]
            lines.append(index % 2 == 0 ? "owner \(backend) when idTag matches \"FLEET\(index)-*\""
                                        : "owner \(backend) when idTag == \"TAG-\(index)\"")
        }
        lines.append("owner backend0 otherwise")
        lines.append("route BootNotification, StatusNotification, Heartbeat to all")
        lines.append("route Authorize, StartTransaction, StopTransaction to owner")
        for index in 0..<share {
            let backend = backends[index % backends.count]
            lines.append("route DataTransfer to \(backend) when vendorId == \"com.vendor\(index)\" answered by \(backend)")
        }
        for index in 0..<share {
            let backend = backends[index % backends.count]
            lines.append("route MeterValues to \(backend) when chargePoint == \"CP-\(index)\"")
        }
        for index in 0..<share {
            let backend = backends[index % backends.count]
            lines.append(index % 2 == 0 ? "allow \(backend) ChangeConfiguration when key == \"Key\(index)\""
                                        : "allow \(backend) RemoteStartTransaction when chargePoint matches \"CP-\(index)-*\"")
        }
        let fields = ["chargeBoxSerialNumber", "chargePointSerialNumber", "firmwareVersion", "iccid", "imsi", "meterSerialNumber",
                      "meterType"]
        let redactions = fields.count * backends.count
        for index in 0..<(rules - 4 * share - redactions) {
            lines.append("deny \(backends[index % backends.count]) UnlockConnector when connectorId == \(index)")
        }
        for (offset, field) in fields.enumerated() {
            for (index, backend) in backends.enumerated() {
                lines.append("redact \(field) in BootNotification for \(backend) as \((offset + index) % 2 == 0 ? "hash" : "drop")")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("a 10,000-rule policy lints in well under a second (release); a debug build gets slack")
    func largePolicyLints() {
        let text = Self.largePolicy()
        let start = ContinuousClock.now
        let compilation = PolicyPipeline.compile(source: SourceFile(path: "large.policy", text: text))
        let elapsed = ContinuousClock.now - start
        #expect(compilation.resolved?.rules.count ?? 0 >= 10_000)
        #expect(!compilation.hasErrors, "\(compilation.diagnostics.prefix(3).map(DiagnosticRenderer.headline))")
        #if DEBUG
        let limit = Duration.seconds(20)
        #else
        let limit = Duration.seconds(1)
        #endif
        #expect(elapsed < limit, "linting took \(elapsed)")
        let codes = Dictionary(grouping: compilation.diagnostics, by: \.code.rawValue).mapValues(\.count)
        print("lint of \(compilation.resolved?.rules.count ?? 0) rules: \(elapsed), findings \(codes.sorted { $0.key < $1.key })")
    }
}
