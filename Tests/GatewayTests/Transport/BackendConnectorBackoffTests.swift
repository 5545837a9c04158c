import Foundation
@testable import Gateway
import NIOCore
import Testing

/// How the connector counts failures for its backoff: every lost connection or failed attempt
/// counts, and a connection that stayed up for `resetAfter` starts the count afresh.
@Suite(.timeLimit(.minutes(1)))
struct BackendConnectorBackoffTests {
    typealias Recorder = BackendConnectorTests.RecordingConnectorDelegate

    private func run(resetAfter: TimeAmount, drops: Int) async throws -> Int {
        let server = try await TestWebSocketServer.start()
        let delegate = Recorder()
        let backend = GatewayConfig.Backend(
            name: "csms", url: URL(string: "ws://127.0.0.1:\(server.port)/ocpp")!, ocppVersion: .v16,
            securityProfile: .unsecured
        )
        let connector = try BackendConnector(
            backend: backend, chargePointId: "CP-1", version: .v16, eventLoop: TransportFixtures.group.next(),
            options: .init(backoff: Backoff(base: .milliseconds(5), cap: .milliseconds(20), resetAfter: resetAfter)),
            logger: LogCapture().logger, delegate: delegate
        )
        connector.start()
        for drop in 1...drops {
            try await waitUntil("connection \(drop)") { delegate.connectedCount == drop }
            server.dropAll()
        }
        try await waitUntil("the last reconnect") { delegate.connectedCount == drops + 1 }
        let failures = try await connector.failureCount().get()
        try await connector.stop().get()
        await server.shutdown()
        return failures
    }

    @Test func failuresAccumulateAcrossShortLivedConnections() async throws {
        #expect(try await run(resetAfter: .seconds(60), drops: 3) == 3)
    }

    @Test func aConnectionThatStayedUpResetsTheCount() async throws {
        #expect(try await run(resetAfter: .zero, drops: 3) == 1)
    }
}
