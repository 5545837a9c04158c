import Gateway
import NIOCore
import NIOHTTP1
import Testing

/// Rate limiting of failed attempts and what the listener logs about them.
@Suite(.timeLimit(.minutes(1)))
struct ChargePointListenerSecurityTests {
    typealias F = TransportFixtures

    @Test func rateLimitingKicksInAfterTheBurstOfBadAttempts() async throws {
        let options = ChargePointListener.Options(
            closeTimeout: .seconds(1), rateLimit: .init(burst: 3, refillPerSecond: 0.01)
        )
        let harness = try await ListenerHarness.start(options: options)
        for _ in 0..<3 {
            let client = try await TestWebSocketClient.connect(
                port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", "guess-guess-guess")
            )
            #expect(try await client.refusal().head.status == .unauthorized)
        }
        // Even the right password is refused now, before it is looked at.
        let limited = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", F.password)
        )
        let refusal = try await limited.refusal()
        #expect(refusal.head.status == .tooManyRequests)
        let retryAfter = try #require(refusal.head.headers["Retry-After"].first.flatMap { Int($0) })
        #expect(retryAfter >= 1)
        try await limited.waitUntilClosed()
        #expect(harness.delegates.all.isEmpty)
        #expect(harness.logs.text.contains("rate limited"))
        await harness.shutdown()
    }

    @Test func successfulAttemptsDoNotUseTokens() async throws {
        let options = ChargePointListener.Options(closeTimeout: .seconds(1), rateLimit: .init(burst: 1, refillPerSecond: 0.01))
        let harness = try await ListenerHarness.start(options: options)
        for _ in 0..<4 {
            let client = try await TestWebSocketClient.connect(
                port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", F.password)
            )
            #expect(try await client.upgradeResponse().status == .switchingProtocols)
            await client.close()
        }
        await harness.shutdown()
    }

    @Test func logsNeverContainThePassword() async throws {
        let harness = try await ListenerHarness.start()
        let attempts: [(String, String?)] = [
            ("/ocpp/CP-1", F.basic("CP-1", "wrong-but-secret-\(F.password)")),
            ("/ocpp/CP-1", F.basic("CP-2", F.password)),
            ("/ocpp/NOPE", F.basic("NOPE", F.password)),
            ("/ocpp/CP-1", "Basic !!!notbase64" + F.password),
            ("/ocpp/CP-1", F.basic("CP-1", F.password)),
        ]
        for (path, authorization) in attempts {
            let client = try await TestWebSocketClient.connect(port: harness.port, path: path, authorization: authorization)
            try await waitUntil("an answer") {
                client.events.all.contains { event in
                    switch event {
                    case .upgraded, .responseEnd: true
                    default: false
                    }
                }
            }
            await client.close()
        }
        // The listener logs the accepted connection after the 101 response has gone out.
        try await waitUntil("the connection log line") { harness.logs.text.contains("charge point connected") }
        let log = harness.logs.text
        #expect(log.contains("refused charge point connection"))
        #expect(log.contains("wrong password"))
        #expect(log.contains("charge point connected"))
        #expect(!log.contains(F.password))
        #expect(!log.contains("wrong-but-secret"))
        for (_, authorization) in attempts {
            if let authorization { #expect(!log.contains(authorization.dropFirst(6))) }
        }
        await harness.shutdown()
    }
}
