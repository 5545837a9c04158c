import Foundation
import Gateway
import Testing

/// `backends[i].passwordFile`: a per charge point AuthorizationKey towards a backend.
@Suite("backend password files", .timeLimit(.minutes(1)))
struct BackendPasswordFileTests {
    static func config(_ backend: String) -> String {
        """
        listen:
          - address: 127.0.0.1:8180
        policy: site.policy
        chargePoints:
          - { id: "CP-*", password: "0123456789abcdef" }
        backends:
        \(backend)
        """
    }

    @Test func linesOverrideThePasswordPerChargePoint() throws {
        let directory = TemporaryDirectory()
        directory.write("keys.txt", "# AuthorizationKeys\nCP-1: key-for-cp-1-0001\n\nCP-2 : key-for-cp-2-0002\n")
        let config = try #require(parseValid(Self.config("""
              - { name: billing, url: ws://127.0.0.1:9001/ocpp, securityProfile: 1, password: shared-key-0000, passwordFile: keys.txt }
            """), in: directory))
        let backend = try #require(config.backend(named: "billing"))
        #expect(backend.password(for: "CP-1")?.reveal() == "key-for-cp-1-0001")
        #expect(backend.password(for: "CP-2")?.reveal() == "key-for-cp-2-0002")
        #expect(backend.password(for: "CP-3")?.reveal() == "shared-key-0000")
    }

    @Test func aPasswordFileAloneIsEnoughForProfile1() throws {
        let directory = TemporaryDirectory()
        directory.write("keys.txt", "CP-1: key-for-cp-1-0001\n")
        let config = try #require(parseValid(Self.config("""
              - { name: billing, url: ws://127.0.0.1:9001/ocpp, securityProfile: 1, passwordFile: keys.txt }
            """), in: directory))
        #expect(config.backend(named: "billing")?.password(for: "CP-9") == nil)
    }

    @Test func malformedLinesAndProfile0AreReported() {
        let directory = TemporaryDirectory()
        directory.write("keys.txt", "CP-1 key-without-colon-secret\n")
        let found = diagnostics(Self.config("""
              - { name: billing, url: ws://127.0.0.1:9001/ocpp, securityProfile: 1, passwordFile: keys.txt }
            """), in: directory)
        #expect(found.count == 1 && found[0].message.contains("line 1"))
        #expect(found.first?.description.contains("key-without-colon-secret") == false)
        directory.write("good.txt", "CP-1: k\n")
        let profile0 = diagnostics(Self.config("""
              - { name: billing, url: ws://127.0.0.1:9001/ocpp, securityProfile: 0, passwordFile: good.txt }
            """), in: directory)
        #expect(profile0.map(\.code) == [.conflict])
    }

    @Test func theConnectorSendsTheChargePointsKey() async throws {
        let server = try await TestWebSocketServer.start()
        let backend = GatewayConfig.Backend(
            name: "csms", url: URL(string: "ws://127.0.0.1:\(server.port)/ocpp")!, ocppVersion: .v16,
            securityProfile: .basicAuth, password: Secret("shared-key-0000"),
            chargePointPasswords: ["CP-1": Secret("key-for-cp-1-0001")])
        let delegate = BackendConnectorTests.RecordingConnectorDelegate()
        let connector = try BackendConnector(backend: backend, chargePointId: "CP-1", version: .v16,
                                             eventLoop: TransportFixtures.group.next(), logger: LogCapture().logger,
                                             delegate: delegate)
        connector.start()
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        #expect(server.requests.all.first?.headers["Authorization"] == [TransportFixtures.basic("CP-1", "key-for-cp-1-0001")])
        try await connector.stop().get()
        await server.shutdown()
    }
}
