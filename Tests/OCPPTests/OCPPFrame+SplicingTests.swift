import OCPP
import Testing

/// Copies spliced from a frame's own text: byte for byte what serializing gives, or nothing.
@Suite("OCPP-J frames spliced under another id")
struct OCPPFrameSplicingTests {
    @Test("a compact call's payload is spliced into exactly the serialized copy", arguments: [
        #"[2,"19223201","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"1.5"}]}]}]"#,
        #"[2,"a b","Heart beat",{"note":"spaces, {braces} and ,commas, inside strings","é":"ü","n":1.50e3,"t":true,"z":null}]"#,
        #"[2,"1","Heartbeat",{}]"#,
    ])
    func call(text: String) throws {
        let frame = try OCPPFrame(parsing: text)
        let payload = try #require(frame.compactPayloadText(in: text))
        guard case .call(_, let action, _) = frame else {
            Issue.record("not a call")
            return
        }
        #expect(OCPPFrame.callText(id: "cmx-7", action: action, compactPayload: payload)
            == frame.withMessageId("cmx-7").serialized)
    }

    @Test("a compact call result's payload is spliced into exactly the serialized copy")
    func callResult() throws {
        let text = #"[3,"cmx-9",{"idTagInfo":{"status":"Accepted"},"transactionId":42}]"#
        let frame = try OCPPFrame(parsing: text)
        let payload = try #require(frame.compactPayloadText(in: text))
        #expect(payload == #"{"idTagInfo":{"status":"Accepted"},"transactionId":42}"#)
        #expect(OCPPFrame.callResultText(id: "7", compactPayload: payload) == frame.withMessageId("7").serialized)
    }

    @Test("a compact object's top-level member is replaced as setting it and serializing would", arguments: [
        #"{"connectorId":1,"transactionId":17,"meterValue":[{"sampledValue":[{"value":"5"}]}]}"#,
        #"{"transactionId":17}"#,
        #"{"meterValue":[{"transactionId":3}],"note":",{transactionId:9","transactionId":17,"x":{"transactionId":4}}"#,
    ])
    func replacingMember(text: String) throws {
        guard case .object(var object) = try JSONValue(parsing: text) else {
            Issue.record("not an object")
            return
        }
        object["transactionId"] = .integer(123_456)
        let replaced = OCPPFrame.replacingMember("transactionId", in: Substring(text), with: "123456")
        #expect(replaced == JSONValue.object(object).serialized)
    }

    @Test("an object without the member at its top level is not spliced")
    func replacingMissingMember() {
        #expect(OCPPFrame.replacingMember("transactionId", in: #"{"a":{"transactionId":1},"b":"transactionId"}"#, with: "2") == nil)
    }

    @Test("whitespace, escapes and call errors are not spliced", arguments: [
        #"[2,"1","Heartbeat", {}]"#,
        #"[2,"1","DataTransfer",{"data":"a \"quoted\" word"}]"#,
        #"[2,"1","DataTransfer",{"data":"\u00e9"}]"#,
        #"[3,"1",{"a":1} ]"#,
        "[3,\"1\",{\n}]",
        #"[4,"1","InternalError","",{}]"#,
    ])
    func refused(text: String) throws {
        let frame = try OCPPFrame(parsing: text)
        #expect(frame.compactPayloadText(in: text) == nil)
    }
}
