import Foundation
import Gateway
import OCPP
import Testing
@testable import chargemux

/// Collects output lines from any thread.
final class CollectedLines: @unchecked Sendable {
    // @unchecked: `lock` guards `lines`.
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite("chargemux demo", .timeLimit(.minutes(1)), .serialized)
struct DemoTests {
    static var linkingWorld: String { TestSupport.examplesFolder.appendingPathComponent("linking-world").path }

    /// The CALLs each backend gets in the demo's story, by action.
    static let expectedCounts: [String: [String: Int]] = [
        "billing": ["BootNotification": 1, "StatusNotification": 3, "Authorize": 2, "StartTransaction": 1,
                    "MeterValues": 1, "StopTransaction": 1],
        "fleet": ["BootNotification": 2, "StatusNotification": 2, "Authorize": 1, "StartTransaction": 1,
                  "MeterValues": 1, "DataTransfer": 1, "StopTransaction": 1],
        "ems": ["BootNotification": 1, "StatusNotification": 3, "StartTransaction": 3, "MeterValues": 2, "StopTransaction": 3],
        "visitors": ["BootNotification": 1, "StatusNotification": 3, "Authorize": 1, "StartTransaction": 1, "StopTransaction": 1],
    ]

    @Test("quiet: every step as the policy says, the expected calls per backend, only the summary printed")
    func quietDemo() async {
        let lines = CollectedLines()
        let demo = Demo(options: Demo.Options(policyDirectory: Self.linkingWorld, quiet: true), output: { lines.append($0) })
        let result = await demo.run()
        #expect(result.deviations == [])
        #expect(result.succeeded)
        #expect(result.steps == 10)
        #expect(result.receivedCalls == Self.expectedCounts)
        #expect(result.seconds < 30)
        #expect(lines.all.last?.hasPrefix("demo finished: 10 steps, all as the policy says") == true)
        #expect(lines.all.first == "calls received, by backend and action:")
        #expect(!lines.all.contains { $0.hasPrefix("1. ") || $0.contains("→") })
    }

    @Test("narrated: decisions with their rules, redactions, own ids, the denial and the reconnect")
    func narratedDemo() async {
        let lines = CollectedLines()
        let result = await Demo(options: Demo.Options(policyDirectory: Self.linkingWorld), output: { lines.append($0) }).run()
        #expect(result.succeeded, "\(result.deviations)")
        let text = lines.all.joined(separator: "\n")
        #expect(text.contains("4. An employee charges"))
        #expect(text.contains("CP-1 → gateway     StartTransaction #CP-1-"))
        #expect(text.contains(#"gateway → ems      StartTransaction, idTag → "fleet" (redacted) (copy)"#))
        #expect(text.contains("fleet → gateway    transactionId 2000 (answers the charge point)"))
        #expect(text.contains("ems → gateway      transactionId 3000 (kept by the gateway; ems sees only its own ids)"))
        #expect(text.contains("csChargingProfiles.transactionId 3002 → 4000 (the charge point's id)"))
        #expect(text.contains("DENIED for ems"))
        #expect(text.contains("by site.policy:26  deny ems RemoteStopTransaction, Reset, ChangeConfiguration"))
        #expect(!text.contains("chargemux-demo-"))  // the temporary folder's path is not shown
        #expect(text.contains("without chargeBoxSerialNumber, iccid, imsi (dropped)"))
        #expect(text.contains("gateway ⟳ fleet"))
        #expect(text.contains("replayed"))
        #expect(!text.contains("DISCONNECTED"))
    }

    @Test("a policy folder without site.policy: the demo says so and fails, without hanging")
    func missingPolicy() async {
        let lines = CollectedLines()
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-demo-empty-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let result = await Demo(options: Demo.Options(policyDirectory: empty.path, quiet: true), output: { lines.append($0) }).run()
        #expect(!result.succeeded)
        #expect(result.deviations.first?.contains("no site.policy") == true)
        #expect(lines.all.contains { $0.contains("not as expected:") })
    }

    @Test("a policy without the EMS's deny rule: the demo notices the remote stop was not denied by a rule, and fails")
    func deviationIsReported() async throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-demo-nodeny-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.linkingWorld), to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let policy = copy.appendingPathComponent("site.policy")
        let text = try String(contentsOf: policy, encoding: .utf8)
        try text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("deny  ems") }
            .joined(separator: "\n").write(to: policy, atomically: true, encoding: .utf8)
        let lines = CollectedLines()
        let result = await Demo(options: Demo.Options(policyDirectory: copy.path, quiet: true), output: { lines.append($0) }).run()
        #expect(!result.succeeded)
        #expect(result.deviations.count == 1)
        #expect(result.deviations.first?.hasPrefix("step 7: the gateway denied RemoteStopTransaction by a rule") == true)
        #expect(lines.all.contains("demo finished: 10 steps, 1 not as expected:"))
    }

    @Test("a decision log line reads back into its fields")
    func decisionLineRoundTrip() throws {
        let record = DecisionRecord(chargePoint: "CP-1", direction: .fromBackend, sender: "ems", action: "RemoteStopTransaction",
                                    messageId: "ems-2", verdict: .denied, rule: "site.policy:27",
                                    reason: "denied by policy linking-world: site.policy:27", policyHash: "abc")
        let line = try #require(DecisionLine(record.description))
        #expect(line.action == "RemoteStopTransaction")
        #expect(line.verdict == "deny")
        #expect(line.sender == "ems")
        #expect(line.rule == "site.policy:27")
        #expect(line.reason == "denied by policy linking-world: site.policy:27")
        #expect(DecisionLine("gateway started") == nil)
    }

    @Test("narration puts one exchange in causal order, whatever order the threads reported it in")
    func causalOrder() throws {
        let narration = DemoNarration(chargePoint: "CP-1", backendOrder: ["billing", "ems"], ruleText: { _ in "route X to owner" })
        let decision = try #require(DecisionLine(
            "decision cp=CP-1 dir=cp->backends from=charge-point action=StartTransaction id=CP-1-5 verdict=forward "
                + "targets=billing,ems responder=billing rule=site.policy:15 owner=billing redacted=ems:idTag policy=x"))
        let call: JSONValue = ["connectorId": 1, "idTag": "EMP-1"]
        let events: [DemoEvent] = [
            .simulator(.received(simulator: "CP-1", peer: "gateway", frame: .callResult(id: "CP-1-5", payload: ["transactionId": 1000]))),
            .simulator(.sent(simulator: "ems", peer: "CP-1", frame: .callResult(id: "g-2", payload: ["transactionId": 3000]))),
            .simulator(.received(simulator: "ems", peer: "CP-1", frame: .call(id: "g-2", action: "StartTransaction",
                                                                                payload: ["connectorId": 1, "idTag": "billing"]))),
            .gateway(.decision(decision)),
            .simulator(.sent(simulator: "billing", peer: "CP-1", frame: .callResult(id: "g-1", payload: ["transactionId": 1000]))),
            .simulator(.received(simulator: "billing", peer: "CP-1", frame: .call(id: "g-1", action: "StartTransaction", payload: call))),
            .simulator(.sent(simulator: "CP-1", peer: "gateway", frame: .call(id: "CP-1-5", action: "StartTransaction", payload: call))),
        ]
        let lines = narration.lines(for: events)
        #expect(lines.count == 8)
        #expect(lines.first?.hasPrefix("CP-1 → gateway") == true)
        #expect(lines[1] == "gateway decides    forward to billing, ems; billing answers")
        #expect(lines[2] == "                   by site.policy:15  route X to owner")
        #expect(lines[3] == "gateway → billing  StartTransaction (owner; answers)")
        #expect(lines[4] == #"gateway → ems      StartTransaction, idTag → "billing" (redacted) (copy)"#)
        #expect(lines[5] == "billing → gateway  transactionId 1000 (answers the charge point)")
        #expect(lines[6] == "ems → gateway      transactionId 3000 (kept by the gateway; ems sees only its own ids)")
        #expect(lines[7] == "gateway → CP-1     {transactionId 1000}")
    }

    @Test("the summary table has a row per backend and a column per action seen")
    func summaryTable() {
        let table = DemoSummary.table(["billing": ["BootNotification": 1, "Authorize": 2], "ems": [:]], backends: ["billing", "ems"])
        #expect(table == [
            "calls received, by backend and action:",
            "backend     Boot Authorize  total",
            "billing        1         2      3",
            "ems            0         0      0",
        ])
    }
}
