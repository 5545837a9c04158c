import Foundation
import Gateway
import NIOHTTP1
import NIOWebSocket
import OCPP
import Testing

/// Bullet 1: subprotocol negotiation, refusals at the upgrade, a second connection replacing the first.
@Suite("end to end: connections", .timeLimit(.minutes(1)))
struct ConnectionTests {
    static let password = GatewayHarness.chargePointPassword

    @Test("ocpp1.6 is negotiated with the charge point and with every backend")
    func subprotocols() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", subprotocols: ["ocpp1.5", "ocpp1.6"],
            authorization: TransportFixtures.basic("CP-1", Self.password))
        let head = try await client.upgradeResponse()
        #expect(head.status == .switchingProtocols)
        #expect(head.headers["Sec-WebSocket-Protocol"] == ["ocpp1.6"])
        for name in E2EPolicy.backends {
            try await waitUntil("\(name) to see CP-1") { harness.backendConnected(name) }
            #expect(harness.backend(name).subprotocol(of: "CP-1") == "ocpp1.6")
        }
        try await client.send(text: #"[2,"hb-1","Heartbeat",{}]"#)
        let answer = try OCPPFrame(parsing: try await client.texts(count: 1)[0])
        #expect(answer.messageId == "hb-1")
        #expect(answer.resultPayload?["currentTime"]?.stringValue != nil, "\(answer)")
        await client.close()
        await harness.stop()
    }

    @Test("no supported subprotocol, a wrong or missing password, an unknown id: refused at the upgrade, nothing half open")
    func refusals() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let cases: [(id: String, protocols: [String], authorization: String?, status: HTTPResponseStatus)] = [
            ("CP-1", ["ocpp1.5"], TransportFixtures.basic("CP-1", Self.password), .badRequest),
            ("CP-1", [], TransportFixtures.basic("CP-1", Self.password), .badRequest),
            ("CP-1", ["ocpp1.6"], TransportFixtures.basic("CP-1", "wrong-password-0000"), .unauthorized),
            ("CP-1", ["ocpp1.6"], nil, .unauthorized),
            ("XX-9", ["ocpp1.6"], TransportFixtures.basic("XX-9", Self.password), .notFound),
        ]
        for refused in cases {
            let client = try await TestWebSocketClient.connect(port: harness.port, path: "/ocpp/\(refused.id)",
                                                               subprotocols: refused.protocols, authorization: refused.authorization)
            let refusal = try await client.refusal()
            #expect(refusal.head.status == refused.status, "\(refused.id) \(refused.protocols)")
            try await client.waitUntilClosed()
            #expect(!client.events.all.contains { if case .upgraded = $0 { true } else { false } })
            #expect(client.frames.isEmpty)
        }
        // Nothing went onward: the gateway never connected to a backend for them.
        try await Task.sleep(for: .milliseconds(200))
        for name in E2EPolicy.backends {
            #expect(harness.backend(name).connectedChargePoints.isEmpty, "\(name)")
            #expect(harness.frames(name).isEmpty, "\(name)")
        }
        #expect(harness.server.context.snapshots.take(for: "CP-1") == nil)
        // A correct charge point is served afterwards.
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a second connection with the same id replaces the first: the first gets 4000, the second carries the session on")
    func replacement() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let first = try await TestWebSocketClient.connect(port: harness.port, path: "/ocpp/CP-1",
                                                          authorization: TransportFixtures.basic("CP-1", Self.password))
        _ = try await first.upgradeResponse()
        // One call at a time, as a charge point does.
        try await first.send(text: #"[2,"first-1","BootNotification",{"chargePointModel":"M","chargePointVendor":"V"}]"#)
        _ = try await first.texts(count: 1)
        try await first.send(text: #"[2,"first-2","StartTransaction",{"connectorId":1,"idTag":"FLEET-7","meterStart":0,"timestamp":"2026-11-21T08:00:00Z"}]"#)
        let firstAnswers = try await first.texts(count: 2).map { try OCPPFrame(parsing: $0) }
        #expect(firstAnswers.map(\.messageId) == ["first-1", "first-2"])
        #expect(firstAnswers[1].resultPayload?["transactionId"] == 2000)
        try await harness.waitForCalls("ems", "StartTransaction")

        let second = try await harness.chargePoint()
        let close = try await first.frame(.connectionClose)
        #expect(close.closeCode == 4000)
        try await first.sendClose(code: 4000)  // complete the close handshake
        try await first.waitUntilClosed()

        // The second connection goes on with the first one's transaction: every backend gets its own id.
        let meter = try await second.call("MeterValues", E2EPolicy.meterValues(2000), messageId: "second-1")
        #expect(meter.resultPayload != nil, "\(meter)")
        let fleetMeter = try await harness.waitForCalls("fleet", "MeterValues")
        let emsMeter = try await harness.waitForCalls("ems", "MeterValues")
        #expect(fleetMeter.map { $0.payload["transactionId"] } == [2000])
        #expect(emsMeter.map { $0.payload["transactionId"] } == [3000])

        let status = try await second.call("StatusNotification", E2EPolicy.status, messageId: "second-2")
        #expect(status.resultPayload != nil, "\(status)")
        for name in E2EPolicy.backends {
            let statuses = try await harness.waitForCalls(name, "StatusNotification")
            #expect(statuses.count == 1, "\(name)")
            #expect(harness.backend(name).connectedChargePoints == ["CP-1"], "\(name)")
        }
        // A backend's call reaches the second connection only, and its answer comes back.
        let reset = try await harness.backend("billing").call("Reset", payload: ["type": "Soft"], to: "CP-1")
        #expect(reset.resultPayload?["status"] == "Accepted", "\(reset)")
        #expect(second.receivedCalls.compactMap(\.action) == ["Reset"])
        #expect(!first.frames.contains { $0.opcode == .text && $0.text.contains("Reset") })
        await second.stop()
        await first.close()
        await harness.stop()
    }

    @Test("three connections of one id in quick succession: the last one works, backends see it once")
    func replacementChain() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends)
        let authorization = TransportFixtures.basic("CP-1", Self.password)
        let first = try await TestWebSocketClient.connect(port: harness.port, path: "/ocpp/CP-1", authorization: authorization)
        _ = try await first.upgradeResponse()
        let second = try await TestWebSocketClient.connect(port: harness.port, path: "/ocpp/CP-1", authorization: authorization)
        _ = try await second.upgradeResponse()
        let third = try await harness.chargePoint()
        let boot = try await third.call("BootNotification", GatewayHarness.bootPayload)
        #expect(boot.resultPayload?["status"] == "Accepted", "\(boot)")
        for client in [first, second] {
            let close = try await client.frame(.connectionClose)
            #expect(close.closeCode == 4000)
        }
        let status = try await third.call("StatusNotification", E2EPolicy.status)
        #expect(status.resultPayload != nil, "\(status)")
        for name in E2EPolicy.backends {
            let statuses = try await harness.waitForCalls(name, "StatusNotification")
            #expect(statuses.count == 1, "\(name)")
            #expect(harness.backend(name).connectedChargePoints == ["CP-1"], "\(name)")
        }
        let reset = try await harness.backend("billing").call("Reset", payload: ["type": "Soft"], to: "CP-1")
        #expect(reset.resultPayload?["status"] == "Accepted", "\(reset)")
        await third.stop()
        await first.close()
        await second.close()
        await harness.stop()
    }
}
