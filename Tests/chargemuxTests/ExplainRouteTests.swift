import Foundation
import Testing
@testable import chargemux
import Runtime

@Suite("explain --from")
struct ExplainRouteTests {
    func explain(_ message: String, from chargePoint: String = "CP-1", owner: String? = nil,
                 format: ExplainFormat = .text, policy: String = Fixtures.linkingWorldPolicy, hashKey: String? = nil) -> ToolOutput {
        ExplainTool(path: policy, from: chargePoint, message: message, owner: owner, hashKey: hashKey, format: format).run()
    }

    @Test("an employee's StartTransaction: owner rule, both route rules, owner answers, ems sees the owner")
    func employeeStart() {
        let output = explain(#"[2,"1","StartTransaction",{"connectorId":1,"idTag":"EMP-00042","meterStart":0,"timestamp":"2024-05-01T08:00:00Z"}]"#)
        #expect(output.status == .ok)
        let text = output.stdout
        #expect(text.hasPrefix("StartTransaction (id `1`) from charge point `CP-1`\nowner: billing\n"))
        #expect(text.contains("site.policy:11  owner billing  when idTag in employees or idTag in vips"))
        #expect(text.contains("site.policy:17  route Authorize, StartTransaction, StopTransaction, MeterValues to owner\n"))
        #expect(text.contains("site.policy:18  route StartTransaction, StopTransaction, MeterValues to ems\n"))
        #expect(text.contains("targets: billing, ems\n"))
        #expect(text.contains("responder: billing (owner, "))
        #expect(text.contains("outcome: forward to billing, ems; billing answers the charge point\n"))
        #expect(text.contains("billing receives: {\"connectorId\":1,\"idTag\":\"EMP-00042\""))
        #expect(text.contains("ems receives: {\"connectorId\":1,\"idTag\":\"billing\""))
        #expect(text.contains("  idTag: \"EMP-00042\" → \"billing\" (as owner, "))
        #expect(!text.contains("warning:"))
    }

    @Test("rule order: a fleet driver matches the first owner rule")
    func fleetOwner() {
        let output = explain(#"[2,"1","Authorize",{"idTag":"FLEET-0815"}]"#)
        #expect(output.stdout.contains("owner: fleet\n  ") && output.stdout.contains("site.policy:10  owner fleet"))
        #expect(output.stdout.contains("responder: fleet (owner, "))
    }

    @Test("BootNotification: the primary answers and drop redactions remove the fields")
    func boot() {
        let output = explain(#"[2,"b","BootNotification",{"chargePointVendor":"ABB","chargePointModel":"Terra","iccid":"8949"}]"#)
        #expect(output.stdout.contains("owner: none (the message carries no idTag)"))
        #expect(output.stdout.contains("responder: billing (primary, "))
        #expect(output.stdout.contains("ems receives: {\"chargePointVendor\":\"ABB\",\"chargePointModel\":\"Terra\"}\n  iccid: \"8949\" → dropped (as drop, "))
        #expect(output.stdout.contains("fleet receives: {\"chargePointVendor\":\"ABB\",\"chargePointModel\":\"Terra\",\"iccid\":\"8949\"}\n  unchanged"))
    }

    @Test("Heartbeat: the gateway answers itself")
    func heartbeat() {
        let output = explain(#"[2,"h","Heartbeat",{}]"#)
        #expect(output.stdout.contains("targets: gateway\nresponder: gateway (gateway, "))
        #expect(output.stdout.contains("outcome: the gateway answers itself (heartbeat)"))
    }

    @Test("DataTransfer with the fleet vendor: answered by fleet")
    func answeredBy() {
        let output = explain(#"[2,"d","DataTransfer",{"vendorId":"com.fleetco","data":"x"}]"#)
        #expect(output.stdout.contains("responder: fleet (answered by, "))
    }

    @Test("an unrouted action: CALLERROR NotSupported, still exit 0")
    func unrouted() {
        let output = explain(#"[2,"f","FirmwareStatusNotification",{"status":"Idle"}]"#)
        #expect(output.status == .ok)
        #expect(output.stdout.contains("matched route rules: none\ntargets: none\n"))
        #expect(output.stdout.contains("outcome: CALLERROR `NotSupported`: no rule of policy `linking-world` routes `FirmwareStatusNotification`"))
        #expect(!output.stdout.contains("receives"))
    }

    @Test("payload violations and unknown actions are warnings; the call is still explained")
    func warnings() {
        let long = explain(#"[2,"a","Authorize",{"idTag":"V-1234567890123456789012"}]"#)
        #expect(long.status == .ok)
        #expect(long.stdout.contains("warning: `idTag` is 24 characters; the maximum is 20 (PropertyConstraintViolation)"))
        #expect(long.stdout.contains("owner: visitors"))
        let unknown = explain(#"[2,"a","Authorise",{"idTag":"x"}]"#)
        #expect(unknown.stdout.contains("warning: `Authorise` is not an ocpp 1.6 action; did you mean `Authorize`?"))
        #expect(unknown.stdout.contains("outcome: CALLERROR `NotImplemented`"))
        let wrongWay = explain(#"[2,"r","Reset",{"type":"Hard"}]"#)
        #expect(wrongWay.stdout.contains("warning: a charge point does not send `Reset`; only backends do"))
    }

    @Test("--owner gives a MeterValues its transaction's owner")
    func givenOwner() {
        let output = explain(#"[2,"m","MeterValues",{"connectorId":1,"transactionId":7,"meterValue":[{"timestamp":"2024-05-01T08:00:00Z","sampledValue":[{"value":"10"}]}]}]"#,
                             owner: "fleet")
        #expect(output.stdout.contains("owner: fleet (given by `--owner`)"))
        #expect(output.stdout.contains("targets: fleet, ems\nresponder: fleet (owner, "))
        let without = explain(#"[2,"m","MeterValues",{"connectorId":1,"meterValue":[]}]"#)
        #expect(without.stdout.contains("targets: ems\nresponder: ems (first target, "))
    }

    @Test("hash pseudonyms use --hash-key, else the documented default key")
    func hashKey() throws {
        try Fixtures.withFiles(["small.policy": Fixtures.smallPolicy]) { folder in
            let message = #"[2,"a","Authorize",{"idTag":"EMP-1"}]"#
            let defaultKey = explain(message, policy: folder + "/small.policy")
            #expect(defaultKey.stdout.contains("note: pseudonyms use the default test key `chargemux-explain-test-key`"))
            let expected = Redactor(hashKey: Array(ExplainTool.defaultHashKey.utf8)).pseudonym("EMP-1", caseInsensitive: true, maxLength: 20)
            #expect(defaultKey.stdout.contains("  idTag: \"EMP-1\" → \"\(expected)\" (as hash, "))
            let ownKey = explain(message, policy: folder + "/small.policy", hashKey: "another-key-of-16+")
            #expect(!ownKey.stdout.contains("note:"))
            #expect(!ownKey.stdout.contains(expected))
        }
    }

    @Test("JSON: owner, rules, responder, outcome and deliveries with their changes")
    func json() throws {
        let output = explain(#"[2,"1","StartTransaction",{"connectorId":1,"idTag":"EMP-00042","meterStart":0,"timestamp":"2024-05-01T08:00:00Z"}]"#,
                             format: .json)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(document["direction"] as? String == "fromChargePoint")
        #expect(document["action"] as? String == "StartTransaction")
        let owner = try #require(document["owner"] as? [String: Any])
        #expect(owner["backend"] as? String == "billing" && owner["source"] as? String == "rule")
        #expect(((owner["rule"] as? [String: Any])?["location"] as? String)?.hasSuffix("site.policy:11") == true)
        #expect((document["matchedRules"] as? [[String: Any]])?.count == 2)
        #expect(document["targets"] as? [String] == ["billing", "ems"])
        let responder = try #require(document["responder"] as? [String: Any])
        #expect(responder["name"] as? String == "billing" && responder["reason"] as? String == "owner")
        #expect((document["outcome"] as? [String: Any])?["kind"] as? String == "forward")
        let deliveries = try #require(document["deliveries"] as? [[String: Any]])
        let ems = try #require(deliveries.first { $0["backend"] as? String == "ems" })
        #expect((ems["payload"] as? [String: Any])?["idTag"] as? String == "billing")
        let change = try #require((ems["changes"] as? [[String: Any]])?.first)
        #expect(change["path"] as? String == "idTag" && change["mode"] as? String == "owner")
        #expect(change["before"] as? [String] == ["EMP-00042"] && change["after"] as? [String] == ["billing"])
        #expect(document["hashKey"] as? String == "default")
    }

    @Test("--config: the config's backends check the policy and its hash key keys pseudonyms")
    func config() throws {
        let output = ExplainTool(path: Fixtures.linkingWorldPolicy, configPath: Fixtures.linkingWorldConfig, from: "CP-1",
                                 message: #"[2,"h","Heartbeat",{}]"#, format: .json,
                                 environment: Fixtures.linkingWorldEnvironment).run()
        #expect(output.status == .ok, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(document["hashKey"] as? String == "config")
        let broken = ExplainTool(path: Fixtures.linkingWorldPolicy, configPath: Fixtures.linkingWorldConfig, from: "CP-1",
                                 message: #"[2,"h","Heartbeat",{}]"#).run()
        #expect(broken.status == .findings)
        #expect(broken.stderr.contains("error[config]"))
    }
}
