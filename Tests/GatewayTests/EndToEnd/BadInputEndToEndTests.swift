import Foundation
import Gateway
import NIOWebSocket
import OCPP
import Testing

/// Bullet 13: bad input from either side gets the right CALLERROR or a clean close with the
/// right code; the well-behaved peers are unaffected.
@Suite("end to end: bad input", .timeLimit(.minutes(1)))
struct BadInputEndToEndTests {
    static func rawChargePoint(_ harness: GatewayHarness, id: String = "CP-RAW") async throws -> TestWebSocketClient {
        let client = try await TestWebSocketClient.connect(port: harness.port, path: "/ocpp/\(id)",
                                                           authorization: TransportFixtures.basic(id, GatewayHarness.chargePointPassword))
        _ = try await client.upgradeResponse()
        return client
    }

    @Test("from the charge point: each bad frame gets its CALLERROR and reaches no backend")
    func chargePointFrames() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let client = try await Self.rawChargePoint(harness)
        let cases: [(text: String, id: String, code: String)] = [
            (#"[2,"j1","Heartbeat",{}"#, "-1", "FormationViolation"),
            (#"{"not":"an array"}"#, "-1", "FormationViolation"),
            (#"[2,"short"]"#, "-1", "FormationViolation"),
            (#"[9,"t1",{}]"#, "t1", "ProtocolError"),
            (#"[2,"u1","MakeCoffee",{}]"#, "u1", "NotImplemented"),
            (#"[2,"d1","RemoteStartTransaction",{"idTag":"X"}]"#, "d1", "NotSupported"),
            (#"[2,"s1","StatusNotification",{"connectorId":"one","errorCode":"NoError","status":"Available"}]"#, "s1", "TypeConstraintViolation"),
            (#"[2,"s2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Sleeping"}]"#, "s2", "PropertyConstraintViolation"),
            (#"[2,"s3","StatusNotification",{"connectorId":1,"errorCode":"NoError"}]"#, "s3", "OccurenceConstraintViolation"),
        ]
        for (index, bad) in cases.enumerated() {
            try await client.send(text: bad.text)
            let texts = try await client.texts(count: index + 1)
            let answer = try OCPPFrame(parsing: texts[index])
            #expect(answer.messageId == bad.id, "\(bad.text)")
            #expect(answer.errorCode == bad.code, "\(bad.text): \(answer)")
        }
        // The connection is still good.
        try await client.send(text: #"[2,"ok-1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]"#)
        let last = try OCPPFrame(parsing: try await client.texts(count: cases.count + 1)[cases.count])
        #expect(last == .callResult(id: "ok-1", payload: .object(JSONObject())))
        #expect(!client.isClosed)
        for name in E2EPolicy.backends {
            let calls = try await harness.waitForCalls(name, "StatusNotification")
            #expect(calls.count == 1, "\(name)")
            #expect(harness.actions(name) == ["StatusNotification"], "\(name)")
        }
        await client.close()
        await harness.stop()
    }

    @Test("from the charge point: a binary frame closes with 1003, an oversized one with 1009; others are unaffected")
    func chargePointClose() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, extraConfig: "maxFrameSize: 4096")
        let goodOne = try await harness.bootedChargePoint("CP-GOOD", backends: E2EPolicy.backends)

        let binary = try await Self.rawChargePoint(harness, id: "CP-BIN")
        try await binary.send(.binary, Array(#"[2,"b1","Heartbeat",{}]"#.utf8))
        let binaryClose = try await binary.frame(.connectionClose)
        #expect(binaryClose.closeCode == 1003)
        try await binary.waitUntilClosed()

        let oversized = try await Self.rawChargePoint(harness, id: "CP-BIG")
        let big = #"[2,"big-1","DataTransfer",{"vendorId":"v","data":""# + String(repeating: "x", count: 5000) + #""}]"#
        try await oversized.send(text: big)
        let oversizedClose = try await oversized.frame(.connectionClose)
        #expect(oversizedClose.closeCode == 1009)
        try await oversized.waitUntilClosed()

        let invalidUTF8 = try await Self.rawChargePoint(harness, id: "CP-UTF")
        try await invalidUTF8.send(.text, [0x5B, 0x32, 0x2C, 0xFF, 0xFE, 0x5D])
        let utfClose = try await invalidUTF8.frame(.connectionClose)
        #expect(utfClose.closeCode == 1007)
        try await invalidUTF8.waitUntilClosed()

        let status = try await goodOne.call("StatusNotification", E2EPolicy.status)
        #expect(status.resultPayload == .object(JSONObject()), "\(status)")
        #expect(goodOne.isConnected)
        for name in E2EPolicy.backends {
            #expect(!harness.calls(name).contains { $0.action == "DataTransfer" || $0.action == "Heartbeat" }, "\(name)")
        }
        await goodOne.stop()
        await harness.stop()
    }

    @Test("from a backend: each bad frame gets its CALLERROR back and never reaches the charge point")
    func backendFrames() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let cases: [(text: String, id: String, code: String)] = [
            (#"[2,"j1","Reset",{"type":"#, "-1", "FormationViolation"),
            (#""just a string""#, "-1", "FormationViolation"),
            (#"[7,"t1",{}]"#, "t1", "ProtocolError"),
            (#"[2,"u1","MakeCoffee",{}]"#, "u1", "NotImplemented"),
            (#"[2,"d1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]"#, "d1", "NotSupported"),
            (#"[2,"s1","Reset",{"type":7}]"#, "s1", "TypeConstraintViolation"),
            (#"[2,"s2","Reset",{"type":"Medium"}]"#, "s2", "PropertyConstraintViolation"),
        ]
        let backend = harness.backend("billing")
        for (index, bad) in cases.enumerated() {
            #expect(backend.send(raw: bad.text, to: "CP-1"))
            let answers = try await waitFor("answer \(index + 1) at billing") {
                let answers = harness.frames("billing").filter { !$0.isCall }
                return answers.count > index ? answers : nil
            }
            #expect(answers[index].messageId == bad.id, "\(bad.text)")
            #expect(answers[index].errorCode == bad.code, "\(bad.text): \(answers[index])")
        }
        // An answer nobody waits for is dropped quietly.
        #expect(backend.send(raw: OCPPFrame.callResult(id: "nobody-1", payload: .object(JSONObject())).serialized, to: "CP-1"))
        // The link still works both ways, and the charge point saw none of it.
        let reset = try await backend.call("Reset", payload: ["type": "Soft"], to: "CP-1")
        #expect(reset.resultPayload?["status"] == "Accepted", "\(reset)")
        #expect(chargePoint.receivedCalls.compactMap(\.action) == ["Reset"])
        #expect(chargePoint.receivedFrames.count == 2)  // the boot answer and the Reset
        let status = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        #expect(status.resultPayload != nil, "\(status)")
        #expect(harness.frames("fleet").allSatisfy { $0.isCall } && harness.frames("ems").allSatisfy { $0.isCall })
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("from a backend: binary and oversized frames close that link; the gateway reconnects, the charge point is unaffected")
    func backendClose() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, extraConfig: "maxFrameSize: 4096")
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let backend = harness.backend("ems")
        #expect(backend.send(binary: Array(#"[2,"b1","Reset",{"type":"Soft"}]"#.utf8), to: "CP-1"))
        try await harness.waitForCalls("ems", "BootNotification", count: 2)  // reconnected, boot replayed
        try await waitUntil("ems to be connected again") { harness.backendConnected("ems") }
        #expect(backend.send(raw: #"[2,"big","Reset",{"type":""# + String(repeating: "S", count: 5000) + #""}]"#, to: "CP-1"))
        try await harness.waitForCalls("ems", "BootNotification", count: 3)
        #expect(chargePoint.isConnected)
        #expect(chargePoint.receivedCalls.isEmpty)
        // Served all along.
        let status = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        #expect(status.resultPayload == .object(JSONObject()), "\(status)")
        try await harness.waitForCalls("ems", "StatusNotification")
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("from a backend: a responder's answer that breaks the schema reaches the charge point as an InternalError")
    func responderBreaksSchema() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, options: ["billing": .init(silent: true)])
        let chargePoint = try await harness.chargePoint()
        // billing answers by hand: the boot correctly, the Authorize with a status OCPP does not have.
        async let boot = chargePoint.call("BootNotification", GatewayHarness.bootPayload)
        let bootLeg = try await harness.waitForCalls("billing", "BootNotification")[0]
        let accepted: JSONValue = ["status": "Accepted", "currentTime": "2026-11-21T08:00:00Z", "interval": 300]
        #expect(harness.backend("billing").send(raw: OCPPFrame.callResult(id: bootLeg.id, payload: accepted).serialized, to: "CP-1"))
        let bootAnswer = try await boot
        #expect(bootAnswer.resultPayload == accepted, "\(bootAnswer)")

        async let authorize = chargePoint.call("Authorize", ["idTag": "USER-1"], messageId: "auth-1")
        let leg = try await harness.waitForCalls("billing", "Authorize")[0]
        let broken: JSONValue = ["idTagInfo": ["status": "Maybe"]]
        #expect(harness.backend("billing").send(raw: OCPPFrame.callResult(id: leg.id, payload: broken).serialized, to: "CP-1"))
        let answer = try await authorize
        #expect(answer.messageId == "auth-1")
        #expect(answer.errorCode == "InternalError", "\(answer)")
        #expect(answer.errorDescription?.contains("breaks the schema") == true, "\(answer)")
        #expect(chargePoint.answers(to: "auth-1").count == 1)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("from the charge point: an answer that breaks the schema reaches the asking backend as a CALLERROR, never as is")
    func chargePointAnswerBreaksSchema() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let behaviour = SimulatedChargePoint.Behaviour { action, _ in
            action == "GetConfiguration" ? ["configurationKey": [["key": 5, "readonly": "no"]]] : nil
        }
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends, behaviour: behaviour)
        let answer = try await harness.backend("billing").call("GetConfiguration", payload: .object(JSONObject()), to: "CP-1")
        #expect(answer.messageId == "billing-1")
        #expect(answer.errorCode == "InternalError", "\(answer)")
        #expect(answer.errorDescription?.contains("breaks the schema") == true, "\(answer)")
        // The link goes on: the next call is answered normally.
        let reset = try await harness.backend("billing").call("Reset", payload: ["type": "Soft"], to: "CP-1")
        #expect(reset.resultPayload?["status"] == "Accepted", "\(reset)")
        #expect(chargePoint.isConnected)
        await chargePoint.stop()
        await harness.stop()
    }
}
