import OCPP
import Runtime
import Testing

@Suite("ownership semantics")
struct OwnershipSemanticsTests {
    static let policy = """
        policy "t" for ocpp 1.6
        list staff from file "staff.txt"
        owner fleet    when idTag matches "FLEET-*"
        owner billing  when idTag in staff or idTag in ["VIP-1"]
        owner visitors otherwise
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        """

    static func harness() throws -> PolicyHarness {
        try PolicyHarness(policy, lists: ["staff.txt": "# staff cards\nEMP-1\nemp-2   # trailing comment\n\n"])
    }

    @Test("first matching owner rule wins; `otherwise` catches the rest")
    func firstMatchWins() throws {
        let harness = try Self.harness()
        #expect(harness.responder(harness.route("Authorize", ["idTag": "FLEET-7"])) == "fleet")
        #expect(harness.responder(harness.route("Authorize", ["idTag": "EMP-1"])) == "billing")
        #expect(harness.responder(harness.route("Authorize", ["idTag": "VIP-1"])) == "billing")
        #expect(harness.responder(harness.route("Authorize", ["idTag": "SOMEONE"])) == "visitors")
    }

    @Test("idTags compare ignoring case in `matches`, `in` and `==`")
    func caseInsensitiveIdTags() throws {
        let harness = try Self.harness()
        #expect(harness.responder(harness.route("Authorize", ["idTag": "fleet-7"])) == "fleet")
        #expect(harness.responder(harness.route("Authorize", ["idTag": "Emp-2"])) == "billing")
        #expect(harness.responder(harness.route("Authorize", ["idTag": "vip-1"])) == "billing")
        let equality = try PolicyHarness("""
            policy "t" for ocpp 1.6
            owner boss when idTag == "ABC123"
            route Authorize to owner
            """)
        #expect(equality.responder(equality.route("Authorize", ["idTag": "abc123"])) == "boss")
    }

    @Test("an owner rule may test the message's connector, with or without the idTag")
    func connectorInOwnerRule() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            owner depot    when connectorId == 2 and idTag matches "D*"
            owner fastlane when connectorId >= 3
            owner rest     otherwise
            route StartTransaction to owner
            """)
        func owner(_ idTag: String, connector: Int) -> String? {
            let start: JSONValue = ["connectorId": .integer(connector), "idTag": .string(idTag), "meterStart": 0,
                                    "timestamp": "2026-01-01T00:00:00Z"]
            return harness.responder(harness.route("StartTransaction", start))
        }
        #expect(owner("D-1", connector: 2) == "depot")
        #expect(owner("D-1", connector: 1) == "rest")
        #expect(owner("X-1", connector: 2) == "rest")
        #expect(owner("X-1", connector: 4) == "fastlane")
    }

    @Test("the transaction's owner outranks the rules: a stop without idTag reaches the owner")
    func transactionOwnerIsFixed() throws {
        let harness = try Self.harness()
        let stop: JSONValue = ["meterStop": 10, "timestamp": "2026-01-01T01:00:00Z", "transactionId": 5]
        #expect(harness.route("StopTransaction", stop).targets.isEmpty)
        let owned = harness.route("StopTransaction", stop, owner: "fleet")
        #expect(harness.names(owned.targets) == ["fleet"])
        #expect(harness.responder(owned) == "fleet")
        // Even when the idTag now matches another owner rule, the transaction keeps its owner.
        let withTag: JSONValue = ["idTag": "EMP-1", "meterStop": 10, "timestamp": "2026-01-01T01:00:00Z", "transactionId": 5]
        #expect(harness.responder(harness.route("StopTransaction", withTag, owner: "fleet")) == "fleet")
    }

    @Test("a message without a user has no owner, whatever `otherwise` says")
    func noUserNoOwner() throws {
        let harness = try Self.harness()
        let meter = harness.route("MeterValues", ["connectorId": 1, "meterValue": []])
        #expect(meter.owner == nil)
        #expect(meter.targets.isEmpty)
    }
}

@Suite("owner index")
struct OwnerIndexTests {
    @Test("first match wins across indexed and unindexed rule shapes")
    func orderAcrossShapes() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            owner depot   when chargePoint matches "DEPOT-*"
            owner fleet   when idTag matches "FLEET-*"
            owner vip     when idTag == "FLEET-BOSS"
            owner special when idTag matches "*-X"
            owner short   when idTag matches "F*"
            owner rest    otherwise
            route Authorize to owner
            """)
        func owner(_ idTag: String, at chargePoint: String = "CP-1") -> String? {
            harness.responder(harness.route("Authorize", ["idTag": .string(idTag)], from: chargePoint))
        }
        #expect(owner("FLEET-1", at: "DEPOT-3") == "depot")  // an unindexed rule before the indexed one
        #expect(owner("FLEET-BOSS") == "fleet")               // the earlier prefix beats the later exact rule
        #expect(owner("fleet-boss") == "fleet")
        #expect(owner("AB-X") == "special")                    // not indexable: tested in order
        #expect(owner("FOO") == "short")
        #expect(owner("FLEET-X") == "fleet")                   // earlier prefix beats later unindexed
        #expect(owner("ZZZ") == "rest")
    }
}
