import Foundation
import Testing
@testable import chargemux

@Suite("explain --backend")
struct ExplainPermissionTests {
    func explain(_ backend: String, _ message: String, chargePoint: String? = nil, format: ExplainFormat = .text,
                 policy: String = Fixtures.linkingWorldPolicy) -> ToolOutput {
        ExplainTool(path: policy, backend: backend, chargePoint: chargePoint, message: message, format: format).run()
    }

    @Test("a deny overrides: ems may not stop a transaction")
    func denied() {
        let output = explain("ems", #"[2,"e","RemoteStopTransaction",{"transactionId":2001}]"#, chargePoint: "CP-FLEET-3")
        #expect(output.status == .ok)
        #expect(output.stdout.hasPrefix("RemoteStopTransaction (id `e`) from backend `ems` to charge point `CP-FLEET-3`\n"))
        #expect(output.stdout.contains("verdict: denied by "))
        #expect(output.stdout.contains("site.policy:26  deny  ems"))
    }

    @Test("an allow limited to charge points: allowed on a fleet charge point, default deny elsewhere")
    func chargePointLimited() {
        let fleet = explain("fleet", #"[2,"r","RemoteStopTransaction",{"transactionId":1}]"#, chargePoint: "CP-FLEET-3")
        #expect(fleet.stdout.contains("verdict: allowed by "))
        #expect(fleet.stdout.contains("matching rules:\n  ") && fleet.stdout.contains("site.policy:24  allow fleet"))
        let other = explain("fleet", #"[2,"r","RemoteStopTransaction",{"transactionId":1}]"#, chargePoint: "CP-1")
        #expect(other.stdout.contains("verdict: no allow rule matches: default deny\nmatching rules: none\n"))
    }

    @Test("without --charge-point, rules limited to charge points are listed as not considered")
    func skipped() {
        let output = explain("fleet", #"[2,"r","RemoteStopTransaction",{"transactionId":1}]"#)
        #expect(output.stdout.contains("to any charge point"))
        #expect(output.stdout.contains("not considered (limited to charge points; pass `--charge-point`):\n  "))
    }

    @Test("the answer's redactions for that backend are listed")
    func responseRedactions() throws {
        try Fixtures.withFiles(["small.policy": Fixtures.smallPolicy]) { folder in
            let output = explain("billing", #"[2,"g","GetConfiguration",{}]"#, policy: folder + "/small.policy")
            #expect(output.stdout.contains("verdict: allowed by "))
            #expect(output.stdout.contains("the charge point's answer to billing: redacted\n  configurationKey.value as mask ("))
        }
    }

    @Test("a charge-point action from a backend is a warning")
    func wrongDirection() {
        let output = explain("billing", #"[2,"h","Heartbeat",{}]"#)
        #expect(output.stdout.contains("warning: a backend does not send `Heartbeat`; only charge points do"))
    }

    @Test("JSON: verdict, deciding rule, matching and skipped rules")
    func json() throws {
        let output = explain("ems", #"[2,"e","RemoteStopTransaction",{"transactionId":2001}]"#, chargePoint: "CP-1", format: .json)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(document["direction"] as? String == "toChargePoint")
        #expect(document["allowed"] as? Bool == false)
        #expect(((document["decidingRule"] as? [String: Any])?["kind"] as? String) == "deny")
        #expect((document["matchedRules"] as? [Any])?.count == 1)
        #expect((document["skippedRules"] as? [Any])?.isEmpty == true)
        #expect((document["responseRedactions"] as? [Any])?.isEmpty == true)
    }
}
