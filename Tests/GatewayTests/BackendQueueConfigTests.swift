import Gateway
import Testing

@Suite("backends: queue and offline settings")
struct BackendQueueConfigTests {
    @Test func queueAndOfflineSettings() throws {
        let config = try #require(parseValid(BackendTests.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                queue: { maxMessages: 10000, maxAge: 7d }
                offline: { authorizeCacheTTL: 1h, acceptTransactions: true }
            """)))
        let fleet = try #require(config.backends.last)
        #expect(fleet.queueLimits == QueueLimits(maxLength: 10000, maxAge: 7 * 86400))
        #expect(fleet.offline == .init(authorizeCacheTTL: 3600, acceptTransactions: true))
        #expect(config.backends.first?.queueLimits == nil)
        #expect(config.backends.first?.offline == .init())
    }

    @Test(arguments: [("90", 90.0), ("90s", 90), ("30m", 1800), ("2h", 7200), ("7d", 604_800)])
    func durations(text: String, seconds: Double) throws {
        let config = try #require(parseValid(BackendTests.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                queue: { maxAge: \(text) }
            """)))
        #expect(config.backends.last?.queueLimits == QueueLimits(maxLength: nil, maxAge: seconds))
    }

    @Test(arguments: ["0", "7w", "-1d", "1.5h", "d"])
    func invalidDurations(text: String) {
        expectError(BackendTests.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                queue: { maxAge: ↓\(text) }
            """), code: .invalidValue, keyPath: "backends[1].queue.maxAge",
            message: "`backends[1].queue.maxAge` must be a duration such as `90s`, `30m`, `1h` or `7d`, found `\(text)`")
    }

    @Test func invalidMaxMessages() {
        expectError(BackendTests.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                queue: { maxMessages: ↓0 }
            """), code: .invalidValue, keyPath: "backends[1].queue.maxMessages",
            message: "`backends[1].queue.maxMessages` must be between 1 and 100000000 messages, found `0`")
    }

    @Test func unknownOfflineKey() {
        expectError(BackendTests.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                offline: { ↓acceptTransaction: true }
            """), code: .unknownKey, keyPath: "backends[1].offline.acceptTransaction",
            message: "unknown key `acceptTransaction`", help: "acceptTransactions")
    }
}
