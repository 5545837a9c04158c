import OCPP
import Testing

/// OCPP-J frames: the three message types and the shapes that are refused.
@Suite("OCPP-J frames")
struct OCPPFrameTests {
    private func error(_ text: String) -> OCPPFrameError? {
        do {
            let frame = try OCPPFrame(parsing: text)
            Issue.record("expected \(text) to be refused, got \(frame)")
            return nil
        } catch {
            return error
        }
    }

    @Test("parses a call")
    func call() throws {
        let frame = try OCPPFrame(parsing: #"[2,"19223201","Heartbeat",{}]"#)
        #expect(frame == .call(id: "19223201", action: "Heartbeat", payload: .object(JSONObject())))
        #expect(frame.messageTypeId == 2)
        #expect(frame.messageId == "19223201")
        #expect(frame.serialized == #"[2,"19223201","Heartbeat",{}]"#)
    }

    @Test("parses a call result")
    func callResult() throws {
        let text = #"[3,"19223201",{"currentTime":"2024-05-01T12:00:00Z"}]"#
        let frame = try OCPPFrame(parsing: text)
        #expect(frame == .callResult(id: "19223201", payload: ["currentTime": "2024-05-01T12:00:00Z"]))
        #expect(frame.messageTypeId == 3)
        #expect(frame.serialized == text)
    }

    @Test("parses a call error")
    func callError() throws {
        let text = #"[4,"162376037","NotImplemented","unknown action",{"x":1}]"#
        let frame = try OCPPFrame(parsing: text)
        #expect(frame == .callError(id: "162376037", code: "NotImplemented", description: "unknown action",
                                    details: ["x": 1]))
        #expect(frame.payload == ["x": 1])
        #expect(frame.serialized == text)
    }

    @Test("withMessageId changes only the id")
    func withMessageId() throws {
        let frame = try OCPPFrame(parsing: #"[2,"a","Authorize",{"idTag":"X"}]"#)
        #expect(frame.withMessageId("b") == .call(id: "b", action: "Authorize", payload: ["idTag": "X"]))
    }

    @Test("message ids of 36 characters pass; 37 and empty are refused")
    func messageIdLength() throws {
        let id36 = String(repeating: "a", count: 36)
        #expect(OCPPFrame.maximumMessageIdLength == 36)
        #expect(try OCPPFrame(parsing: "[2,\"\(id36)\",\"Heartbeat\",{}]").messageId == id36)
        let refused = error("[2,\"\(id36)b\",\"Heartbeat\",{}]")
        #expect(refused?.kind == .notAFrame)
        #expect(error(#"[2,"","Heartbeat",{}]"#)?.kind == .notAFrame)
    }

    @Test("text that is not json is an invalid-json error with id -1")
    func invalidJSON() {
        let refused = error(#"[2,"1","Heartbeat",{}"#)
        #expect(refused?.kind == .invalidJSON)
        #expect(refused?.messageId == "-1")
        #expect(refused?.errorCode(for: .v16) == "FormationViolation")
        #expect(refused?.errorCode(for: .v201) == "RpcFrameworkError")
    }

    @Test("wrong shapes are not frames; the id is kept when it could be read", arguments: [
        (#"{"a":1}"#, "-1"),
        (#"[2,"x"]"#, "-1"),
        (#"[2,7,"Heartbeat",{}]"#, "-1"),
        (#"["2","x","Heartbeat",{}]"#, "x"),
        (#"[2.5,"x","Heartbeat",{}]"#, "x"),
        (#"[2,"x","Heartbeat"]"#, "x"),
        (#"[2,"x","Heartbeat",{},{}]"#, "x"),
        (#"[2,"x",5,{}]"#, "x"),
        (#"[2,"x","Heartbeat",[]]"#, "x"),
        (#"[2,"x","Heartbeat",null]"#, "x"),
        (#"[3,"x",{},{}]"#, "x"),
        (#"[3,"x","ok"]"#, "x"),
        (#"[4,"x","GenericError",{}]"#, "x"),
        (#"[4,"x","GenericError","d",[]]"#, "x"),
        (#"[4,"x",1,"d",{}]"#, "x"),
    ])
    func notAFrame(text: String, messageId: String) {
        let refused = error(text)
        #expect(refused?.kind == .notAFrame)
        #expect(refused?.messageId == messageId)
        #expect(refused?.errorCode(for: .v16) == "FormationViolation")
        #expect(refused?.errorCode(for: .v201) == "RpcFrameworkError")
    }

    @Test("an unknown message type has its own codes")
    func unknownMessageType() {
        let refused = error(#"[5,"x",{}]"#)
        #expect(refused?.kind == .unknownMessageType)
        #expect(refused?.messageId == "x")
        #expect(refused?.errorCode(for: .v16) == "ProtocolError")
        #expect(refused?.errorCode(for: .v201) == "MessageTypeNotSupported")
    }
}
