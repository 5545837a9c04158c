import Gateway
import NIOCore
import Testing

/// Rough loopback numbers for the handshake and message paths, printed for the record. The bounds
/// are loose on purpose: they catch a transport that stalls, not one that is a little slow.
@Suite(.timeLimit(.minutes(1)), .serialized)
struct TransportMeasurementTests {
    typealias F = TransportFixtures

    @Test func handshakeAndEchoOverLoopback() async throws {
        let harness = try await ListenerHarness.start()
        let clock = ContinuousClock()

        let handshakes = 50
        let handshakeTime = try await clock.measure {
            for _ in 0..<handshakes {
                let client = try await TestWebSocketClient.connect(
                    port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", F.password)
                )
                try await waitUntil("the upgrade", pollInterval: .microseconds(200)) {
                    client.events.all.contains { if case .upgraded = $0 { true } else { false } }
                }
                await client.close()
            }
        }

        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-2", authorization: F.basic("CP-2", F.password)
        )
        _ = try await client.upgradeResponse()
        let roundTrips = 200
        let roundTripTime = try await clock.measure {
            for index in 0..<roundTrips {
                try await client.send(text: #"[2,"\#(index)","Heartbeat",{}]"#)
                try await waitUntil("echo \(index)", pollInterval: .microseconds(100)) {
                    client.frames.count > index
                }
            }
        }

        let burst = 5_000
        let burstTime = try await clock.measure {
            for index in 0..<burst {
                try await client.send(text: #"[2,"b\#(index)","MeterValues",{"connectorId":1,"meterValue":[]}]"#)
            }
            try await waitUntil("\(burst) echoes", timeout: .seconds(30), pollInterval: .milliseconds(1)) {
                client.frames.count >= roundTrips + burst
            }
        }
        print("""
            transport loopback: \(handshakes) sequential handshakes (connect, Basic auth, 101, close) in \(handshakeTime) \
            = \(handshakeTime / handshakes) each; \(roundTrips) sequential echo round trips in \(roundTripTime) \
            = \(roundTripTime / roundTrips) each; \(burst) pipelined echoes in \(burstTime)
            """)
        #expect(handshakeTime < .seconds(20))
        #expect(roundTripTime < .seconds(20))
        await client.close()
        await harness.shutdown()
    }
}
