import Foundation
import Testing
@testable import chargemux

@Suite("replay")
struct ReplayToolTests {
    func replayLinkingWorld(format: ReplayFormat = .table) -> ToolOutput {
        ReplayTool(path: Fixtures.linkingWorldPolicy, capturePath: Fixtures.linkingWorldCapture, format: format).run()
    }

    /// The data row of `backend` and `action`, its cells split on runs of spaces.
    func row(_ output: ToolOutput, _ backend: String, _ action: String) -> [String]? {
        output.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            .first { $0.count >= 2 && $0[0] == backend && $0[1] == action }
    }

    @Test("the linking-world capture: routes, owners of transactions, answers, denials and redactions")
    func linkingWorld() {
        let output = replayLinkingWorld()
        #expect(output.status == .ok, "\(output.stderr)")
        #expect(output.stderr.isEmpty)
        // ROUTED ANSWERED ALLOWED DENIED REDACTED DETAILS
        #expect(row(output, "billing", "StartTransaction") == ["billing", "StartTransaction", "1", "1", "-", "-", "-"])
        // MeterValues carry no idTag: they reach the owner the transaction started with.
        #expect(row(output, "billing", "MeterValues") == ["billing", "MeterValues", "2", "2", "-", "-", "-"])
        #expect(row(output, "fleet", "MeterValues") == ["fleet", "MeterValues", "1", "1", "-", "-", "-"])
        #expect(row(output, "ems", "MeterValues") == ["ems", "MeterValues", "3", "-", "-", "-", "-"])
        #expect(row(output, "visitors", "Authorize") == ["visitors", "Authorize", "1", "1", "-", "-", "-"])
        #expect(row(output, "ems", "StartTransaction")?.suffix(3) == ["2", "redacted", "idTag"])
        #expect(row(output, "ems", "BootNotification")?.suffix(5) == ["2", "redacted", "chargeBoxSerialNumber,", "iccid,", "imsi"])
        #expect(row(output, "ems", "SetChargingProfile") == ["ems", "SetChargingProfile", "-", "-", "1", "-", "-"])
        let denied = row(output, "ems", "RemoteStopTransaction")
        #expect(denied?.prefix(7) == ["ems", "RemoteStopTransaction", "-", "-", "-", "1", "-"])
        #expect(denied?.dropLast().last?.hasSuffix("site.policy:26") == true)
        #expect(row(output, "gateway", "Heartbeat")?.prefix(4) == ["gateway", "Heartbeat", "-", "2"])
        #expect(output.stdout.contains("totals: 30 lines: 14 charge-point calls (13 routed, 1 rejected), "
            + "2 backend calls (1 allowed, 1 denied), 1 answer to backend calls, 13 other frames, 0 bad lines"))
        #expect(output.stdout.contains("rejected charge-point calls (no route):\n  FirmwareStatusNotification: 1 (CALLERROR NotSupported)"))
    }

    @Test("JSON: rows, gateway answers, rejections and totals")
    func json() throws {
        let output = replayLinkingWorld(format: .json)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(document["policy"] as? String == "linking-world")
        let rows = try #require(document["rows"] as? [[String: Any]])
        let denied = try #require(rows.first { $0["backend"] as? String == "ems" && $0["action"] as? String == "RemoteStopTransaction" })
        #expect(denied["denied"] as? Int == 1)
        #expect(((denied["deniedBy"] as? [[String: Any]])?.first?["rule"] as? String)?.hasSuffix("site.policy:26") == true)
        let redacted = try #require(rows.first { $0["backend"] as? String == "visitors" && $0["action"] as? String == "BootNotification" })
        #expect(redacted["redactedFields"] as? [String] == ["chargeBoxSerialNumber", "iccid", "imsi"])
        #expect((document["gatewayAnswered"] as? [[String: Any]])?.first?["count"] as? Int == 2)
        #expect((document["rejected"] as? [[String: Any]])?.first?["errorCode"] as? String == "NotSupported")
        let totals = try #require(document["totals"] as? [String: Any])
        #expect(totals["lines"] as? Int == 30 && totals["badLines"] as? Int == 0)
    }

    @Test("bad lines are reported with their line number, the rest is replayed, and the exit is 1")
    func badLines() throws {
        let capture = """
            {"chargePoint":"CP-1","direction":"fromChargePoint","frame":[2,"1","Heartbeat",{}]}
            not json

            [1,2]
            {"chargePoint":"CP-1","direction":"sideways","frame":[2,"2","Heartbeat",{}]}
            {"chargePoint":"CP-1","direction":"fromChargePoint","frame":[7,"3",{}]}
            {"chargePoint":"CP-1","direction":"toChargePoint","backend":"emss","frame":[2,"4","SetChargingProfile",{}]}
            {"chargePoint":"CP-1","direction":"fromChargePoint","frame":[3,"99",{"status":"Accepted"}]}
            {"chargePoint":"CP-1","direction":"fromChargePoint","backend":"ems","frame":[2,"5","Heartbeat",{}]}
            {"direction":"fromChargePoint","frame":[2,"6","Heartbeat",{}]}
            {"chargePoint":"CP-1","direction":"fromChargePoint","frame":[2,"7","Heartbeat",{}]}
            """
        try Fixtures.withFiles(["capture.jsonl": capture]) { folder in
            let path = folder + "/capture.jsonl"
            let output = ReplayTool(path: Fixtures.linkingWorldPolicy, capturePath: path).run()
            #expect(output.status == .findings)
            let problems = output.stderr.split(separator: "\n").map(String.init)
            #expect(problems == [
                "\(path):2: invalid json at byte 0: invalid literal",
                "\(path):4: a capture line must be a json object",
                "\(path):5: `direction` must be `fromChargePoint` or `toChargePoint`, not `\"sideways\"`",
                "\(path):6: `frame`: unknown message type 7",
                "\(path):7: unknown backend `emss`; did you mean `ems`?",
                "\(path):8: no earlier call with id `99` to `CP-1` for this answer",
                "\(path):9: `backend` goes with `toChargePoint`; a charge point's frame is routed by the policy",
                "\(path):10: `chargePoint` must be a non-empty string",
            ])
            #expect(output.stdout.contains("gateway  Heartbeat"))
            #expect(output.stdout.contains("10 lines: 2 charge-point calls (2 routed, 0 rejected), 1 backend call (0 allowed, 0 denied)"))
            #expect(output.stdout.contains("8 bad lines"))
        }
    }

    @Test("a call to the charge point without a backend is checked for every backend")
    func everyBackend() throws {
        let capture = #"{"chargePoint":"CP-FLEET-1","direction":"toChargePoint","frame":[2,"1","RemoteStopTransaction",{"transactionId":5}]}"#
        try Fixtures.withFiles(["capture.jsonl": capture + "\n"]) { folder in
            let output = ReplayTool(path: Fixtures.linkingWorldPolicy, capturePath: folder + "/capture.jsonl").run()
            #expect(output.status == .ok)
            #expect(row(output, "billing", "RemoteStopTransaction")?[4] == "1")
            #expect(row(output, "fleet", "RemoteStopTransaction")?[4] == "1")
            #expect(row(output, "visitors", "RemoteStopTransaction")?.joined(separator: " ").hasSuffix("denied by default deny ×1") == true)
            #expect(row(output, "ems", "RemoteStopTransaction")?[5] == "1")
        }
    }

    @Test("the charge point's answer is redacted for the backend that called")
    func answerRedaction() throws {
        let capture = """
            {"chargePoint":"CP-1","direction":"toChargePoint","backend":"billing","frame":[2,"g1","GetConfiguration",{}]}
            {"chargePoint":"CP-1","direction":"fromChargePoint","frame":[3,"g1",{"configurationKey":[{"key":"AuthorizationKey","readonly":false,"value":"s3cr3t-key"}]}]}

            """
        try Fixtures.withFiles(["small.policy": Fixtures.smallPolicy, "capture.jsonl": capture]) { folder in
            let output = ReplayTool(path: folder + "/small.policy", capturePath: folder + "/capture.jsonl").run()
            #expect(output.status == .ok, "\(output.stderr)")
            #expect(row(output, "billing", "GetConfiguration") == ["billing", "GetConfiguration", "-", "-", "1", "-", "1", "redacted", "configurationKey.value"])
        }
    }

    @Test("a missing capture exits 1")
    func missingCapture() {
        let output = ReplayTool(path: Fixtures.linkingWorldPolicy, capturePath: "/nonexistent/capture.jsonl").run()
        #expect(output.status == .findings)
        #expect(output.stderr == "cannot read capture `/nonexistent/capture.jsonl`\n")
    }

    @Test("--config replays the same capture with the config's backends")
    func config() {
        let output = ReplayTool(path: Fixtures.linkingWorldPolicy, capturePath: Fixtures.linkingWorldCapture,
                                configPath: Fixtures.linkingWorldConfig, environment: Fixtures.linkingWorldEnvironment).run()
        #expect(output.status == .ok, "\(output.stderr)")
        #expect(output.stdout.contains("0 bad lines"))
    }
}
