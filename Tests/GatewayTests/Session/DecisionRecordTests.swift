import Gateway
import OCPP
import Testing

@Suite("session: decision records")
struct DecisionRecordTests {
    static let policy = """
        policy "t" for ocpp 1.6
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route StartTransaction to owner
        route StartTransaction to ems
        redact idTag for ems as owner
        deny ems Reset
        """

    @Test("one record per charge-point call: targets, responder, rule, owner, redactions, policy hash; no idTag")
    func chargePointCallRecord() throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("FLEET-0042")))
        #expect(effects.records.count == 1)
        let record = try #require(effects.records.first)
        #expect(record.chargePoint == "CP-1")
        #expect(record.direction == .fromChargePoint)
        #expect(record.action == "StartTransaction")
        #expect(record.messageId == "s1")
        #expect(record.targets == ["fleet", "ems"])
        #expect(record.responder == "fleet")
        #expect(record.rule == h.location(line: 4))
        #expect(record.owner == "fleet")
        #expect(record.redacted == ["ems": ["idTag"]])
        #expect(record.policyHash == h.policy.sourceHash)
        #expect(record.verdict == .forwarded)
        let pseudonym = try #require(record.userPseudonym)
        #expect(pseudonym == h.redactor.pseudonym("FLEET-0042", caseInsensitive: true, maxLength: 12))

        let line = record.description
        #expect(line.hasPrefix("decision cp=CP-1 dir=cp->backends from=charge-point action=StartTransaction id=s1 verdict=forward"))
        #expect(line.contains(" targets=fleet,ems responder=fleet rule=test.policy:4 owner=fleet user=\(pseudonym) redacted=ems:idTag"))
        #expect(line.hasSuffix(" policy=\(h.policy.sourceHash)"))
        #expect(!line.contains("FLEET-0042"))
    }

    @Test("a denied backend call is recorded with the deny rule's location")
    func denyRecord() throws {
        let h = try SessionHarness(Self.policy)
        let record = try #require(h.backend("ems", .call(id: "r1", action: "Reset", payload: ["type": "Soft"])).records.first)
        #expect(record.direction == .fromBackend)
        #expect(record.sender == "ems")
        #expect(record.verdict == .denied)
        #expect(record.rule == h.location(line: 7))
        #expect(record.description.contains("verdict=deny rule=test.policy:7"))
        #expect(record.description.contains(#"reason="denied by policy t: test.policy:7""#))
    }

    @Test("values with spaces or quotes are quoted")
    func quoting() {
        let record = DecisionRecord(chargePoint: "CP 1", direction: .fromBackend, sender: "ems", action: "?", messageId: "-1",
                                    verdict: .rejected(code: "FormationViolation"), reason: #"say "hi""#, policyHash: "abc")
        #expect(record.description == #"decision cp="CP 1" dir=backend->cp from=ems action=? id=-1 verdict=reject:FormationViolation reason="say \"hi\"" policy=abc"#)
    }
}
