import OCPP
import Runtime
import Testing

@Suite("permission semantics")
struct PermissionSemanticsTests {
    static let policy = """
        policy "t" for ocpp 1.6
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route Authorize to owner
        allow ems      SetChargingProfile, ClearChargingProfile
        allow billing  RemoteStartTransaction, RemoteStopTransaction, Reset
        allow fleet    RemoteStartTransaction when chargePoint matches "CP-FLEET-*"
        allow fleet    RemoteStopTransaction when owner == "fleet"
        allow all      GetConfiguration
        deny  ems      GetConfiguration
        deny  billing  Reset when type == "Hard"
        """

    @Test("default deny: a call no allow rule names is refused with no rule")
    func defaultDeny() throws {
        let harness = try PolicyHarness(Self.policy)
        let decision = harness.authorize("ems", "Reset", ["type": "Soft"])
        #expect(!decision.allowed)
        #expect(decision.rule == nil)
    }

    @Test("allow rules permit, and name the rule")
    func allow() throws {
        let harness = try PolicyHarness(Self.policy)
        let decision = harness.authorize("billing", "Reset", ["type": "Soft"])
        #expect(decision.allowed)
        #expect(decision.rule == harness.rule(atLine: 6))
    }

    @Test("deny overrides allow, including `allow all`")
    func denyOverrides() throws {
        let harness = try PolicyHarness(Self.policy)
        #expect(harness.authorize("billing", "GetConfiguration", [:]).allowed)
        let ems = harness.authorize("ems", "GetConfiguration", [:])
        #expect(!ems.allowed)
        #expect(ems.rule == harness.rule(atLine: 10))
        let hard = harness.authorize("billing", "Reset", ["type": "Hard"])
        #expect(!hard.allowed)
        #expect(hard.rule == harness.rule(atLine: 11))
    }

    @Test("conditions on the charge point")
    func chargePointCondition() throws {
        let harness = try PolicyHarness(Self.policy)
        let start: JSONValue = ["idTag": "FLEET-1"]
        #expect(harness.authorize("fleet", "RemoteStartTransaction", start, chargePoint: "CP-FLEET-3").allowed)
        #expect(!harness.authorize("fleet", "RemoteStartTransaction", start, chargePoint: "CP-PUBLIC-1").allowed)
    }

    @Test("command ownership: a backend may stop only its own users' transactions")
    func ownership() throws {
        let harness = try PolicyHarness(Self.policy)
        #expect(harness.authorize("fleet", "RemoteStopTransaction", ["transactionId": 4], owner: "fleet").allowed)
        #expect(!harness.authorize("fleet", "RemoteStopTransaction", ["transactionId": 4], owner: "billing").allowed)
    }
}
