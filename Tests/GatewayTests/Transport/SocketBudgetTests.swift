import Foundation
import Gateway
import NIOCore
import NIOPosix
import Testing

/// The listener at its open-file budget: charge points that would not fit with their onward
/// connections are refused with 503 before the upgrade, counted, and logged in summary; room
/// that frees up is used again.
@Suite("SocketBudget", .timeLimit(.minutes(1)))
struct SocketBudgetTests {
    static let config = TransportFixtures.config(chargePoints: [
        .init(id: "CP-*", credential: .password(Secret(TransportFixtures.password))),
    ])

    static func connect(_ harness: ListenerHarness, _ id: String) async throws -> TestWebSocketClient {
        try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/\(id)", authorization: TransportFixtures.basic(id, TransportFixtures.password))
    }

    /// The summary lines (not the per-connection refusals at debug level).
    static func reports(_ harness: ListenerHarness) -> Int {
        harness.logs.all.filter { $0.contains("at the open-file limit: refusing charge points") }.count
    }

    @Test("capacity is (limit - reserve) / (1 + onward); the default reserve is 1 %, at least 32")
    func capacity() {
        #expect(SocketBudget(limit: 20_000).reserve == 200)
        #expect(SocketBudget(limit: 20_000).capacity(onward: 3) == 4_950)
        #expect(SocketBudget(limit: 1_024).reserve == 32)
        #expect(SocketBudget(limit: 1_024).capacity(onward: 3) == 248)
        #expect(SocketBudget(limit: 10, reserve: 20).capacity(onward: 1) == 0)
    }

    @Test("room for two charge points with three backends each: the third gets 503 with Retry-After, and gets in once one leaves")
    func refusesPastTheBudget() async throws {
        // 12 - 4 = 8 descriptors: two charge points of 1 + 3.
        let budget = SocketBudget(limit: 12, reserve: 4)
        let harness = try await ListenerHarness.start(config: Self.config, options: .init(
            closeTimeout: .seconds(1), socketBudget: budget, onwardConnectionsPerChargePoint: 3, overCapacityRetryAfter: 30))
        defer { Task { await harness.shutdown() } }

        let first = try await Self.connect(harness, "CP-1")
        #expect(try await first.upgradeResponse().status == .switchingProtocols)
        let second = try await Self.connect(harness, "CP-2")
        #expect(try await second.upgradeResponse().status == .switchingProtocols)
        #expect(budget.counts.committedOnward == 6)

        let third = try await Self.connect(harness, "CP-3")
        let refusal = try await third.refusal()
        #expect(refusal.head.status == .serviceUnavailable)
        #expect(refusal.head.headers["Retry-After"] == ["30"])
        #expect(refusal.head.headers["Connection"] == ["close"])
        #expect(refusal.body.contains("connection limit"))
        try await third.waitUntilClosed()
        #expect(budget.counts.refusedChargePoints == 1)
        #expect(Self.reports(harness) == 1)
        // The refusal took no rate-limit token: the same address still gets in once there is room.
        #expect(harness.listener.registry.all.count == 2)

        await first.close()
        try await waitUntil("the first connection to be released") {
            budget.counts.openChargePointConnections == 1 && budget.counts.committedOnward == 3
        }
        let fourth = try await Self.connect(harness, "CP-4")
        #expect(try await fourth.upgradeResponse().status == .switchingProtocols)
        #expect(budget.counts.refusedChargePoints == 1)
        await second.close()
        await fourth.close()
    }

    @Test("refused and failed connections are reported at most once per interval, and the rest by flushReport")
    func reportsInSummary() async throws {
        let budget = SocketBudget(limit: 5, reserve: 2, reportInterval: .seconds(3600))
        let harness = try await ListenerHarness.start(config: Self.config, options: .init(
            closeTimeout: .seconds(1), socketBudget: budget, onwardConnectionsPerChargePoint: 2))
        defer { Task { await harness.shutdown() } }
        let admitted = try await Self.connect(harness, "CP-1")
        #expect(try await admitted.upgradeResponse().status == .switchingProtocols)
        for index in 2...4 {
            let client = try await Self.connect(harness, "CP-\(index)")
            #expect(try await client.refusal().head.status == .serviceUnavailable)
            try await client.waitUntilClosed()
        }
        #expect(budget.counts.refusedChargePoints == 3)
        #expect(Self.reports(harness) == 1)
        budget.flushReport(harness.logs.logger)
        #expect(Self.reports(harness) == 2)
        #expect(harness.logs.all.last { $0.contains("open-file limit: refusing") }?.contains("refused=2 ") == true)
        budget.flushReport(harness.logs.logger)
        #expect(Self.reports(harness) == 2)
        await admitted.close()
    }

    @Test("connections that never authenticate may use half the reserve; past that each gets a 503 at once")
    func shedsAtAccept() async throws {
        // 8 - 4 = 4 for charge points; connections in their handshake may take 2 more.
        let budget = SocketBudget(limit: 8, reserve: 4)
        let harness = try await ListenerHarness.start(config: Self.config, options: .init(
            handshakeTimeout: .seconds(30), closeTimeout: .seconds(1), socketBudget: budget, overCapacityRetryAfter: 7))
        defer { Task { await harness.shutdown() } }
        var idle: [any Channel] = []
        for _ in 0..<6 {
            idle.append(try await ClientBootstrap(group: TransportFixtures.group).connect(host: "127.0.0.1", port: harness.port).get())
        }
        try await waitUntil("six connections to be accepted") { budget.counts.openChargePointConnections == 6 }
        let answer = try await RawHTTPClient.send(port: harness.port, request: "")
        #expect(answer.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), "\(answer)")
        #expect(answer.contains("Retry-After: 7\r\n"))
        #expect(budget.counts.refusedChargePoints == 1)
        for channel in idle { try await channel.close() }
        try await waitUntil("the idle connections to be released") { budget.counts.openChargePointConnections == 0 }
        let client = try await Self.connect(harness, "CP-1")
        #expect(try await client.upgradeResponse().status == .switchingProtocols)
        await client.close()
    }

    @Test("EMFILE, ENFILE, ENOBUFS and ENOMEM count as running out; other errors do not")
    func exhaustion() {
        #expect(SocketBudget.isExhaustion(IOError(errnoCode: EMFILE, reason: "accept")))
        #expect(SocketBudget.isExhaustion(IOError(errnoCode: ENFILE, reason: "socket")))
        #expect(!SocketBudget.isExhaustion(IOError(errnoCode: ECONNREFUSED, reason: "connect")))
        #expect(!SocketBudget.isExhaustion(ChannelError.ioOnClosedChannel))
    }
}
