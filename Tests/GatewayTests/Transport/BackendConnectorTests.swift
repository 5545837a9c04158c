import Foundation
import Gateway
import NIOCore
import NIOPosix
import NIOWebSocket
import Testing

/// The backend connector against a test WebSocket server (and against the gateway's own listener).
@Suite(.timeLimit(.minutes(1)))
struct BackendConnectorTests {
    typealias F = TransportFixtures

    final class RecordingConnectorDelegate: BackendConnectorDelegate, Sendable {
        let events = EventLog<BackendConnector.Event>()
        let offLoop = EventLog<BackendConnector.Event>()
        func connector(_ connector: BackendConnector, didEmit event: BackendConnector.Event) {
            if !connector.eventLoop.inEventLoop { offLoop.append(event) }
            events.append(event)
        }
        var connectedCount: Int { events.all.filter { if case .connected = $0 { true } else { false } }.count }
        var disconnectedCount: Int { events.all.filter { if case .disconnected = $0 { true } else { false } }.count }
        var received: [String] { events.all.compactMap { if case .received(let text) = $0 { text } else { nil } } }
    }

    static let fastBackoff = Backoff(base: .milliseconds(20), cap: .milliseconds(100), resetAfter: .seconds(30))

    private func backend(port: Int, password: String? = "backend-Password-789", path: String = "/ocpp") -> GatewayConfig.Backend {
        GatewayConfig.Backend(
            name: "csms", url: URL(string: "ws://127.0.0.1:\(port)\(path)")!, ocppVersion: .v16,
            securityProfile: password == nil ? .unsecured : .basicAuth, password: password.map { Secret($0) }
        )
    }

    private func connector(
        _ backend: GatewayConfig.Backend, id: String = "CP-1", delegate: RecordingConnectorDelegate,
        logs: LogCapture = LogCapture(), backoff: Backoff = fastBackoff
    ) throws -> BackendConnector {
        try BackendConnector(
            backend: backend, chargePointId: id, version: .v16, eventLoop: F.group.next(),
            options: .init(backoff: backoff, handshakeTimeout: .seconds(2), closeTimeout: .milliseconds(500)),
            logger: logs.logger, delegate: delegate
        )
    }

    @Test func connectsOffersTheSubprotocolAndSendsBasicAuth() async throws {
        let server = try await TestWebSocketServer.start()
        let delegate = RecordingConnectorDelegate()
        let logs = LogCapture()
        let connector = try connector(backend(port: server.port), delegate: delegate, logs: logs)
        #expect(!connector.send(text: "too early"))
        connector.start()
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        #expect(delegate.events.all.first == .connected(subprotocol: "ocpp1.6"))
        #expect(connector.isConnected)
        let request = try #require(server.requests.all.first)
        #expect(request.uri == "/ocpp/CP-1")
        #expect(request.headers["Sec-WebSocket-Protocol"] == ["ocpp1.6"])
        #expect(request.headers["Authorization"] == [F.basic("CP-1", "backend-Password-789")])
        #expect(connector.send(text: #"[2,"b1","Heartbeat",{}]"#))
        try await waitUntil("the echo") { delegate.received == [#"echo:[2,"b1","Heartbeat",{}]"#] }
        #expect(server.texts.all == [#"[2,"b1","Heartbeat",{}]"#])
        server.broadcast("from backend")
        try await waitUntil("the backend's message") { delegate.received.last == "from backend" }
        server.broadcastFragmented([#"[2,"r1","#, #""Reset","#, #"{"type":"Hard"}]"#])
        try await waitUntil("the reassembled message") { delegate.received.last == #"[2,"r1","Reset",{"type":"Hard"}]"# }
        try await connector.stop().get()
        try await waitUntil("disconnected") { delegate.disconnectedCount == 1 }
        #expect(delegate.offLoop.all.isEmpty)
        #expect(!logs.text.contains("backend-Password-789"))
        await server.shutdown()
    }

    @Test func sendsNoAuthorizationWithoutAPassword() async throws {
        let server = try await TestWebSocketServer.start()
        let delegate = RecordingConnectorDelegate()
        let connector = try connector(backend(port: server.port, password: nil), delegate: delegate)
        connector.start()
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        #expect(server.requests.all.first?.headers["Authorization"] == [])
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func rejectsAServerAnsweringAnotherSubprotocol() async throws {
        let server = try await TestWebSocketServer.start(answerSubprotocol: "ocpp2.0.1")
        let delegate = RecordingConnectorDelegate()
        let logs = LogCapture()
        let connector = try connector(backend(port: server.port), delegate: delegate, logs: logs)
        connector.start()
        // Each rejected upgrade is a failed attempt: the connector keeps trying, never connects.
        try await waitUntil("three attempts") { server.upgradeCount >= 3 }
        #expect(delegate.connectedCount == 0)
        #expect(!connector.isConnected)
        #expect(!connector.send(text: "nope"))
        #expect(logs.text.contains("instead of ocpp1.6"))
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func reconnectsWithBackoffAfterTheServerDropsIt() async throws {
        let server = try await TestWebSocketServer.start()
        let delegate = RecordingConnectorDelegate()
        let connector = try connector(backend(port: server.port), delegate: delegate)
        connector.start()
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        server.dropAll()
        try await waitUntil("disconnected") { delegate.disconnectedCount == 1 }
        try await waitUntil("reconnected") { delegate.connectedCount == 2 }
        #expect(server.upgradeCount == 2)
        #expect(connector.send(text: "after reconnect"))
        try await waitUntil("the echo") { delegate.received == ["echo:after reconnect"] }
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func keepsRetryingWhileTheBackendIsDown() async throws {
        // A backend that accepts TCP connections and drops them at once: every attempt fails, and
        // the port stays taken (a freed port could be reused by a parallel test's server).
        let dropping = try await ServerBootstrap(group: F.group)
            .childChannelInitializer { channel in channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(dropping.localAddress?.port)
        let delegate = RecordingConnectorDelegate()
        let logs = LogCapture()
        let connector = try connector(backend(port: port), delegate: delegate, logs: logs)
        connector.start()
        try await waitUntil("two failed attempts") {
            logs.all.filter { $0.contains("backend connection attempt failed") }.count >= 2
        }
        #expect(delegate.connectedCount == 0)
        try await connector.stop().get()
        try await dropping.close()
    }

    @Test func stopStopsReconnecting() async throws {
        let server = try await TestWebSocketServer.start()
        let delegate = RecordingConnectorDelegate()
        let connector = try connector(backend(port: server.port), delegate: delegate)
        connector.start()
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        try await connector.stop().get()
        #expect(!connector.isConnected)
        // stop() completes after the final event has been delivered.
        #expect(delegate.disconnectedCount == 1)
        #expect(delegate.events.all.last == .disconnected(code: .goingAway))
        try await Task.sleep(for: .milliseconds(400))
        #expect(server.upgradeCount == 1)
        #expect(delegate.connectedCount == 1)
        #expect(!connector.send(text: "after stop"))
        await server.shutdown()
    }

    @Test func stopDuringBackoffStopsRetrying() async throws {
        let server = try await TestWebSocketServer.start(answerSubprotocol: "wrong")
        let delegate = RecordingConnectorDelegate()
        let connector = try connector(backend(port: server.port), delegate: delegate)
        connector.start()
        try await waitUntil("two attempts") { server.upgradeCount >= 2 }
        try await connector.stop().get()
        // An attempt already under way may still reach the server; give it time to land.
        try await Task.sleep(for: .seconds(1))
        let afterStop = server.upgradeCount
        try await Task.sleep(for: .milliseconds(400))
        #expect(server.upgradeCount == afterStop)
        await server.shutdown()
    }

    @Test func connectsToTheGatewaysOwnListener() async throws {
        let harness = try await ListenerHarness.start()
        let delegate = RecordingConnectorDelegate()
        let connector = try connector(backend(port: harness.port, password: F.password), delegate: delegate)
        connector.start()
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        #expect(connector.send(text: "hello listener"))
        try await waitUntil("the echo") { delegate.received == ["echo:hello listener"] }
        try await connector.stop().get()
        let listenerSide = try await harness.delegate()
        try await waitUntil("the listener to see the close") { listenerSide.closeCode != nil }
        #expect(listenerSide.closeCode == .some(1001))
        await harness.shutdown()
    }

    @Test func treatsARefusedUpgradeAsAFailedAttempt() async throws {
        let harness = try await ListenerHarness.start()
        let delegate = RecordingConnectorDelegate()
        let logs = LogCapture()
        let connector = try connector(backend(port: harness.port, password: "wrong-Password-000"), delegate: delegate, logs: logs)
        connector.start()
        try await waitUntil("two refused attempts") {
            logs.all.filter { $0.contains("backend answered HTTP 401") }.count >= 2
        }
        #expect(delegate.connectedCount == 0)
        try await connector.stop().get()
        await harness.shutdown()
    }

    @Test func letsGoOfItsDelegateAfterStop() async throws {
        let server = try await TestWebSocketServer.start()
        let connector: BackendConnector
        weak var weakDelegate: RecordingConnectorDelegate?
        do {
            let delegate = RecordingConnectorDelegate()
            weakDelegate = delegate
            connector = try self.connector(backend(port: server.port), delegate: delegate)
            connector.start()
            try await waitUntil("connected") { delegate.connectedCount == 1 }
        }
        #expect(weakDelegate != nil)
        try await connector.stop().get()
        #expect(weakDelegate == nil)
        await server.shutdown()
    }

    @Test func delegateCanBeSetOnTheEventLoop() async throws {
        let server = try await TestWebSocketServer.start()
        let delegate = RecordingConnectorDelegate()
        let connector = try connector(backend(port: server.port, password: nil), delegate: RecordingConnectorDelegate())
        try await connector.eventLoop.submit { connector.setDelegate(delegate) }.get()
        connector.start()
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func pingsKeepALiveBackendConnected() async throws {
        let server = try await TestWebSocketServer.start()
        let delegate = RecordingConnectorDelegate()
        let connector = try BackendConnector(
            backend: backend(port: server.port), chargePointId: "CP-1", version: .v16, eventLoop: F.group.next(),
            options: .init(backoff: Self.fastBackoff, pingInterval: .seconds(1)), logger: LogCapture().logger,
            delegate: delegate
        )
        connector.start()
        // A long interval, so a loaded machine's slow pongs cannot look like a dead backend.
        try await waitUntil("three pings", timeout: .seconds(10)) { server.pings.all.count >= 3 }
        #expect(delegate.connectedCount == 1)
        #expect(delegate.disconnectedCount == 0)
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func aBackendThatStopsAnsweringIsDroppedAndRedialled() async throws {
        let server = try await TestWebSocketServer.start(answerPings: false)
        let delegate = RecordingConnectorDelegate()
        let connector = try BackendConnector(
            backend: backend(port: server.port), chargePointId: "CP-1", version: .v16, eventLoop: F.group.next(),
            options: .init(backoff: Self.fastBackoff, pingInterval: .milliseconds(50)), logger: LogCapture().logger,
            delegate: delegate
        )
        connector.start()
        try await waitUntil("the silent backend to be dropped") { delegate.disconnectedCount >= 1 }
        try await waitUntil("a new connection") { delegate.connectedCount >= 2 }
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func refusesNonWebSocketURLsAndASchemeThatContradictsTheProfile() throws {
        // wss:// itself works (BackendTLSTests); a wss:// url on a plain profile does not.
        let wss = GatewayConfig.Backend(
            name: "tls", url: URL(string: "wss://127.0.0.1:1/ocpp")!, ocppVersion: .v16, securityProfile: .basicAuth,
            password: Secret("x")
        )
        #expect(throws: TransportError.self) { try connector(wss, delegate: RecordingConnectorDelegate()) }
        let http = GatewayConfig.Backend(name: "http", url: URL(string: "http://127.0.0.1:1/ocpp")!, ocppVersion: .v16, securityProfile: .unsecured)
        #expect(throws: TransportError.self) { try connector(http, delegate: RecordingConnectorDelegate()) }
    }
}
