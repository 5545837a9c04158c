import Gateway
import OCPP
import Testing

@Suite("session: message ids")
struct MessageIdTests {
    static let policy = """
        policy "t" for ocpp 1.6
        route Authorize to alpha, beta answered by alpha
        allow all GetConfiguration
        """

    @Test("two backends calling with the same id each get their own answer")
    func sameIdFromTwoBackends() throws {
        let h = try SessionHarness(Self.policy)
        let first = h.backend("alpha", .call(id: "1", action: "GetConfiguration", payload: ["key": ["A"]]))
        #expect(first.toChargePoint == [.call(id: "cmx-1", action: "GetConfiguration", payload: ["key": ["A"]])])
        let second = h.backend("beta", .call(id: "1", action: "GetConfiguration", payload: ["key": ["B"]]))
        #expect(second.toChargePoint.isEmpty)

        let answerA: JSONValue = ["configurationKey": [["key": "A", "readonly": false, "value": "a"]]]
        let backToAlpha = h.cp(.callResult(id: "cmx-1", payload: answerA))
        #expect(backToAlpha.to("alpha") == [.callResult(id: "1", payload: answerA)])
        #expect(backToAlpha.to("beta").isEmpty)
        #expect(backToAlpha.toChargePoint == [.call(id: "cmx-2", action: "GetConfiguration", payload: ["key": ["B"]])])

        let answerB: JSONValue = ["configurationKey": [["key": "B", "readonly": true, "value": "b"]]]
        let backToBeta = h.cp(.callResult(id: "cmx-2", payload: answerB))
        #expect(backToBeta.to("beta") == [.callResult(id: "1", payload: answerB)])
        #expect(backToBeta.to("alpha").isEmpty)
    }

    @Test("a backend answering with another backend's leg id, or an unknown id, is ignored and logged")
    func answersMatchedToTheirSender() throws {
        let h = try SessionHarness(Self.policy)
        let call = h.cp(.call(id: "x", action: "Authorize", payload: ["idTag": "T1"]))
        #expect(call.to("alpha").map(\.messageId) == ["cmx-1"])
        #expect(call.to("beta").map(\.messageId) == ["cmx-2"])
        // beta answers with alpha's leg id: not alpha's answer
        let wrong = h.backend("beta", .callResult(id: "cmx-1", payload: ["idTagInfo": ["status": "Blocked"]]))
        #expect(wrong.toChargePoint.isEmpty)
        #expect(wrong.ignored.count == 1)
        let unknown = h.backend("alpha", .callResult(id: "nope", payload: [:]))
        #expect(unknown.toChargePoint.isEmpty)
        #expect(unknown.ignored.count == 1)
        let right = h.backend("alpha", .callResult(id: "cmx-1", payload: ["idTagInfo": ["status": "Accepted"]]))
        #expect(right.toChargePoint == [.callResult(id: "x", payload: ["idTagInfo": ["status": "Accepted"]])])
    }

    @Test("the charge point answering an unknown id is ignored")
    func unknownChargePointAnswer() throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.cp(.callResult(id: "cmx-77", payload: [:]))
        #expect(effects.backendsReached.isEmpty)
        #expect(effects.ignored.count == 1)
    }

    @Test("ids are unique per leg")
    func generator() {
        var ids = MessageIdGenerator()
        let made = (0..<100).map { _ in ids.next() }
        #expect(Set(made).count == 100)
        #expect(made.first == "cmx-1")
    }

    @Test("each session's prefix is its own, and an id kept from elsewhere is never made again")
    func uniquePrefixes() {
        let prefixes = (0..<1000).map { _ in MessageIdGenerator.uniquePrefix() }
        #expect(Set(prefixes).count == 1000)
        #expect(prefixes.allSatisfy { $0.hasPrefix("cmx-") && $0.count == 13 && $0.hasSuffix("-") })
        var ids = MessageIdGenerator(prefix: prefixes[0])
        #expect(ids.next() == prefixes[0] + "1")
        ids.skip(past: prefixes[0] + "41")
        ids.skip(past: prefixes[1] + "99")
        ids.skip(past: "unrelated")
        #expect(ids.next() == prefixes[0] + "42")
    }
}
