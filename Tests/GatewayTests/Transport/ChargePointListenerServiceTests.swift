import Gateway
import NIOCore
import ServiceLifecycle
import Testing

/// The listener as a swift-service-lifecycle service.
@Suite(.timeLimit(.minutes(1)))
struct ChargePointListenerServiceTests {
    typealias F = TransportFixtures

    @Test func gracefulShutdownClosesConnectionsAndEndsTheRun() async throws {
        let logs = LogCapture()
        let listener = ChargePointListener(
            config: F.config(), options: .init(closeTimeout: .milliseconds(500)), eventLoopGroup: F.group,
            logger: logs.logger
        ) { identity, handle in RecordingDelegate(identity: identity, handle: handle, echo: true) }
        let group = ServiceGroup(services: [listener], logger: logs.logger)
        let running = Task { try await group.run() }
        let port = try await waitFor("the listener to bind") { listener.boundAddresses.first?.port }
        let client = try await TestWebSocketClient.connect(
            port: port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", F.password)
        )
        _ = try await client.upgradeResponse()
        try await waitUntil("the registry to hold the connection") { listener.registry.count == 1 }
        await group.triggerGracefulShutdown()
        #expect(try await client.frame(.connectionClose).closeCode == 1001)
        try await running.value
        #expect(listener.boundAddresses.isEmpty)
        try await client.waitUntilClosed()
    }
}
