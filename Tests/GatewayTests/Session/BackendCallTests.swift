import Gateway
import OCPP
import Testing

@Suite("session: backend calls")
struct BackendCallTests {
    static let policy = """
        policy "t" for ocpp 1.6
        backends billing, ems
        route Heartbeat to gateway
        allow all GetConfiguration, ChangeConfiguration, Reset
        deny ems Reset
        redact value in GetConfiguration for ems as mask
        """

    @Test("a call denied by a rule gets a SecurityError citing the rule; the charge point sees nothing")
    func deniedByRule() throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.backend("ems", .call(id: "r1", action: "Reset", payload: ["type": "Hard"]))
        #expect(effects.toChargePoint.isEmpty)
        #expect(effects.to("ems") == [.callError(id: "r1", code: "SecurityError",
                                                 description: "denied by policy t: \(h.location(line: 5))", details: [:])])
        #expect(effects.records.first?.verdict == .denied)
        #expect(effects.records.first?.rule == h.location(line: 5))
    }

    @Test("a call no rule allows is denied by default")
    func defaultDeny() throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.backend("ems", .call(id: "u1", action: "UnlockConnector", payload: ["connectorId": 1]))
        #expect(effects.toChargePoint.isEmpty)
        #expect(effects.to("ems") == [.callError(id: "u1", code: "SecurityError",
                                                 description: "denied by policy t: no allow rule matches (default deny)",
                                                 details: [:])])
    }

    @Test("ChangeConfiguration of AuthorizationKey or SecurityProfile is refused whatever the policy says")
    func protectedKeys() throws {
        let h = try SessionHarness(Self.policy)
        for (id, key) in [("c1", "AuthorizationKey"), ("c2", "securityPROFILE")] {
            let effects = h.backend("billing", .call(id: id, action: "ChangeConfiguration", payload: ["key": .string(key), "value": "1"]))
            #expect(effects.toChargePoint.isEmpty)
            guard case .callError(id, "SecurityError", let description, _)? = effects.to("billing").first else {
                Issue.record("no SecurityError for \(key): \(effects.all)")
                continue
            }
            #expect(description.contains("cut the gateway out of its own link"))
        }
        // an ordinary key passes
        let ordinary = h.backend("billing", .call(id: "c3", action: "ChangeConfiguration", payload: ["key": "HeartbeatInterval", "value": "60"]))
        #expect(ordinary.toChargePoint == [.call(id: "cmx-1", action: "ChangeConfiguration", payload: ["key": "HeartbeatInterval", "value": "60"])])
    }

    @Test("the charge point's answer is redacted for the backend that asked (response redactions)")
    func answerRedacted() throws {
        let h = try SessionHarness(Self.policy)
        h.backend("ems", .call(id: "g1", action: "GetConfiguration", payload: [:]))
        let answer = h.cp(.callResult(id: "cmx-1", payload: ["configurationKey": [["key": "Secretish", "readonly": true, "value": "ABCDEFGH"]]]))
        #expect(answer.to("ems") == [.callResult(id: "g1", payload: ["configurationKey": [["key": "Secretish", "readonly": true, "value": "****EFGH"]]])])
        #expect(answer.to("billing").isEmpty)
    }

    @Test("calls wait one at a time; a timeout answers the asker with GenericError and starts the next")
    func queueAndTimeout() throws {
        let h = try SessionHarness(Self.policy)
        let first = h.backend("billing", .call(id: "b1", action: "GetConfiguration", payload: [:]))
        #expect(first.toChargePoint.map(\.messageId) == ["cmx-1"])
        let second = h.backend("ems", .call(id: "e1", action: "GetConfiguration", payload: [:]))
        #expect(second.toChargePoint.isEmpty)
        #expect(h.advance(29).all.isEmpty)
        let timeout = h.advance(1)
        #expect(timeout.to("billing") == [.callError(id: "b1", code: "GenericError",
                                                     description: "the charge point did not answer within 30 s", details: [:])])
        #expect(timeout.toChargePoint == [.call(id: "cmx-2", action: "GetConfiguration", payload: [:])])
        // the late answer to the timed-out call goes nowhere
        let late = h.cp(.callResult(id: "cmx-1", payload: [:]))
        #expect(late.backendsReached.isEmpty)
        let answer = h.cp(.callResult(id: "cmx-2", payload: [:]))
        #expect(answer.to("ems") == [.callResult(id: "e1", payload: [:])])
    }

    @Test("calls crossing in opposite directions are fine")
    func crossingCalls() throws {
        let h = try SessionHarness(Self.policy)
        let down = h.backend("ems", .call(id: "e1", action: "GetConfiguration", payload: [:]))
        #expect(down.toChargePoint.count == 1)
        let up = h.cp(.call(id: "hb", action: "Heartbeat", payload: [:]))
        #expect(up.toChargePoint == [.callResult(id: "hb", payload: ["currentTime": "2027-01-15T08:00:00Z"])])
        let answer = h.cp(.callResult(id: "cmx-1", payload: [:]))
        #expect(answer.to("ems") == [.callResult(id: "e1", payload: [:])])
    }
}
