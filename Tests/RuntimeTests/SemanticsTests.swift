import OCPP
import PolicyLang
import Runtime
import Testing

/// Decisions checked against the routing and redaction semantics of the spec.
@Suite("runtime semantics")
struct SemanticsTests {
    static func compile(_ text: String) throws -> CompiledPolicy {
        let compilation = PolicyPipeline.compile(source: SourceFile(path: "test.policy", text: text))
        let errors = compilation.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(DiagnosticRenderer.headline))")
        return try #require(compilation.compiled)
    }

    @Test("`drop` removes the field instead of setting it to null")
    func dropRemovesTheField() throws {
        let policy = try Self.compile("""
            policy "t" for ocpp 1.6
            route BootNotification to billing
            redact iccid in BootNotification for billing as drop
            """)
        let payload: JSONValue = ["chargePointVendor": "V", "chargePointModel": "M", "iccid": "8949020000012345678"]
        let redactions = policy.redactions(action: "BootNotification", inResponse: false, backend: 0)
        let (redacted, changed) = Redactor(hashKey: Array("key".utf8)).apply(redactions, to: payload, owner: nil)
        #expect(changed == ["iccid"])
        #expect(redacted["iccid"] == nil)
        #expect(redacted == ["chargePointVendor": "V", "chargePointModel": "M"])
    }

    @Test("the owner answers when it is among the targets, however it got there")
    func ownerAnswersWhenTarget() throws {
        let policy = try Self.compile("""
            policy "t" for ocpp 1.6
            primary billing
            owner fleet when idTag matches "FLEET-*"
            owner billing otherwise
            route StatusNotification, StartTransaction to all
            """)
        let status: JSONValue = ["connectorId": 1, "errorCode": "NoError", "status": "Charging"]
        let duringFleetSession = policy.route(action: "StatusNotification", payload: status,
                                              context: MessageContext(chargePoint: "CP-1", transactionOwner: "fleet"))
        #expect(duringFleetSession.responder == .backend(try #require(policy.backendIndex("fleet"))))
        let start: JSONValue = ["connectorId": 1, "idTag": "FLEET-1", "meterStart": 0, "timestamp": "2026-03-01T08:00:00Z"]
        let fleetStart = policy.route(action: "StartTransaction", payload: start, context: MessageContext(chargePoint: "CP-1"))
        #expect(fleetStart.owner == policy.backendIndex("fleet"))
        #expect(fleetStart.responder == .backend(try #require(policy.backendIndex("fleet"))))
        // Without an owner the primary still answers.
        let idle = policy.route(action: "StatusNotification", payload: status, context: MessageContext(chargePoint: "CP-1"))
        #expect(idle.responder == .backend(try #require(policy.backendIndex("billing"))))
    }

    @Test("without owner, primary or gateway, the first target in file order answers")
    func firstTargetInFileOrder() throws {
        let policy = try Self.compile("""
            policy "t" for ocpp 1.6
            backends fleet, billing, ems
            owner fleet when idTag matches "FLEET-*"
            owner billing otherwise
            route StopTransaction to owner, ems, billing
            """)
        // No idTag and no known transaction: no owner, so `ems` is the first target as written.
        let stop: JSONValue = ["meterStop": 10, "timestamp": "2026-03-01T10:00:00Z", "transactionId": 4]
        let decision = policy.route(action: "StopTransaction", payload: stop, context: MessageContext(chargePoint: "CP-1"))
        #expect(decision.owner == nil)
        #expect(decision.responder == .backend(try #require(policy.backendIndex("ems"))))
    }

    @Test("the responder rule is the rule that contributed the answering target")
    func responderRuleNamesTheContributingRule() throws {
        let policy = try Self.compile("""
            policy "t" for ocpp 1.6
            backends fleet, ems
            owner fleet when idTag matches "FLEET-*"
            route StopTransaction to owner
            route StopTransaction to ems
            """)
        let stop: JSONValue = ["meterStop": 10, "timestamp": "2026-03-01T10:00:00Z", "transactionId": 4]
        let decision = policy.route(action: "StopTransaction", payload: stop, context: MessageContext(chargePoint: "CP-1"))
        #expect(decision.responder == .backend(try #require(policy.backendIndex("ems"))))
        #expect(decision.responderRule.map { policy.rules[$0].line } == 5)
    }
}
