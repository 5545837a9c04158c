import Gateway
import OCPP
import Testing

@Suite("session: bad input")
struct BadInputTests {
    static let policy = """
        policy "t" for ocpp 1.6
        route StartTransaction, StatusNotification to billing, ems answered by billing
        allow all RemoteStartTransaction
        """

    /// The one CALLERROR in `frames`, as (id, code).
    func error(_ frames: [OCPPFrame]) -> (String, String)? {
        guard frames.count == 1, case .callError(let id, let code, let description, let details) = frames[0] else { return nil }
        #expect(description.count <= 255)
        #expect(details == [:])
        return (id, code)
    }

    @Test("text from the charge point that is not a frame gets the framing error code; nobody else hears of it",
          arguments: [
              ("{not json", "-1", "FormationViolation"),
              ("{\"a\": 1}", "-1", "FormationViolation"),
              ("[2, \"q1\", \"Heartbeat\"]", "q1", "FormationViolation"),
              ("[7, \"q2\", {}]", "q2", "ProtocolError"),
          ])
    func chargePointGarbage(text: String, id: String, code: String) throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.cp(text: text)
        let got = try #require(error(effects.toChargePoint))
        #expect(got == (id, code))
        #expect(effects.backendsReached.isEmpty)
    }

    @Test("charge-point payloads breaking the schema get the validator's code and are not forwarded",
          arguments: [
              (["connectorId": "one", "idTag": "X", "meterStart": 0, "timestamp": "2027-01-15T08:00:00Z"] as JSONValue,
               "TypeConstraintViolation"),
              (["connectorId": 1, "idTag": "X", "meterStart": 0] as JSONValue, "OccurenceConstraintViolation"),
              (["connectorId": 1, "idTag": "ID-TAG-THAT-IS-WAY-TOO-LONG", "meterStart": 0, "timestamp": "2027-01-15T08:00:00Z"] as JSONValue,
               "PropertyConstraintViolation"),
              (["connectorId": 1, "idTag": "X", "meterStart": 0, "timestamp": "yesterday"] as JSONValue, "TypeConstraintViolation"),
          ])
    func chargePointSchema(payload: JSONValue, code: String) throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.cp(.call(id: "s1", action: "StartTransaction", payload: payload))
        #expect(try #require(error(effects.toChargePoint)) == ("s1", code))
        #expect(effects.backendsReached.isEmpty)
        #expect(effects.records.first?.verdict == .rejected(code: code))
    }

    @Test("a member given twice is a FormationViolation")
    func duplicateMember() throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.cp(text: #"[2,"d1","StatusNotification",{"connectorId":1,"connectorId":2,"errorCode":"NoError","status":"Available"}]"#)
        #expect(try #require(error(effects.toChargePoint)) == ("d1", "FormationViolation"))
    }

    @Test("an unknown action is NotImplemented; a central-system action sent by the charge point is NotSupported")
    func unknownAction() throws {
        let h = try SessionHarness(Self.policy)
        #expect(try #require(error(h.cp(.call(id: "u1", action: "Teleport", payload: [:])).toChargePoint)) == ("u1", "NotImplemented"))
        #expect(try #require(error(h.cp(.call(id: "u2", action: "Reset", payload: ["type": "Hard"])).toChargePoint))
                == ("u2", "NotSupported"))
    }

    @Test("bad input from a backend gets that backend an error and never reaches the charge point or the others")
    func backendGarbage() throws {
        let h = try SessionHarness(Self.policy)
        let garbage = h.backend("ems", text: "][")
        #expect(try #require(error(garbage.to("ems"))) == ("-1", "FormationViolation"))
        #expect(garbage.toChargePoint.isEmpty)
        #expect(garbage.backendsReached == ["ems"])

        let unknown = h.backend("ems", .call(id: "e1", action: "MakeCoffee", payload: [:]))
        #expect(try #require(error(unknown.to("ems"))) == ("e1", "NotImplemented"))

        let schema = h.backend("ems", .call(id: "e2", action: "RemoteStartTransaction", payload: ["connectorId": 1]))
        #expect(try #require(error(schema.to("ems"))) == ("e2", "OccurenceConstraintViolation"))
        #expect(schema.toChargePoint.isEmpty)

        // the session still works for everybody
        let good = h.backend("billing", .call(id: "b1", action: "RemoteStartTransaction", payload: ["idTag": "EMP-1"]))
        #expect(good.toChargePoint == [.call(id: "cmx-1", action: "RemoteStartTransaction", payload: ["idTag": "EMP-1"])])
    }

    @Test("an answer from a backend that is not a frame is answered with an error to that backend only, the call stays open")
    func garbageAnswer() throws {
        let h = try SessionHarness(Self.policy)
        h.cp(.call(id: "s1", action: "StatusNotification", payload: Payloads.status(1)))
        let garbage = h.backend("billing", text: "[3, 42, {}]")
        #expect(garbage.toChargePoint.isEmpty)
        #expect(try #require(error(garbage.to("billing"))).1 == "FormationViolation")
        let answer = h.backend("billing", .callResult(id: "cmx-1", payload: [:]))
        #expect(answer.toChargePoint == [.callResult(id: "s1", payload: [:])])
    }
}
