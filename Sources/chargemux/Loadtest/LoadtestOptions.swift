import Foundation
import NIOCore

/// What `chargemux loadtest` runs: where the charge points connect, which backends it plays,
/// how many charge points, how long and how hard.
struct LoadtestOptions: Sendable {
    /// Which backends should get each charge point message.
    enum Expectation: String, Sendable, CaseIterable {
        /// Every backend gets every message (a gateway routing everything `to all`).
        case all
        /// Only the first backend gets messages (a direct baseline, or a gateway routing to one).
        case first
    }

    /// The endpoint without the charge point id, e.g. `ws://127.0.0.1:8180/ocpp`.
    var target: URL
    /// The loopback ports the simulated backends listen on (`/ocpp/{id}`).
    var backendPorts: [Int]
    var chargePoints: Int
    /// Seconds of traffic.
    var duration: Double
    /// At most this many charge point calls in all, when set.
    var messages: Int?
    /// Target charge point calls per second in all; `nil`: as fast as answers come.
    var rate: Double?
    /// Calls in flight at once across all charge points (each has at most one).
    var window: Int
    /// The charge points' Basic auth password, if any.
    var password: String?
    var expect: Expectation
    /// Seconds a call may wait for its answer before it counts as a timeout.
    var callTimeout: Double = 10
    /// Seconds the charge points (and their links to the backends) may take to come up.
    var connectTimeout: Double = 30
    /// Backend-initiated calls (GetConfiguration, TriggerMessage) from the first backend per second.
    var backendCallsPerSecond: Double = 10
    /// Event loop threads; by default one per core.
    var threads: Int = System.coreCount
    /// What the charge points send.
    var profile: LoadProfile = .mix
    /// `idle`: seconds between a charge point's Heartbeats (and between its MeterValues).
    var interval: Double = 60
    /// The backends run in a process of their own (`--serve-backends`) and are asked over
    /// ``LoadControl`` what they got; the load test starts none and sends no backend calls.
    var externalBackends = false

    /// `LT0001`, `LT0002`, ...
    static func chargePointId(_ index: Int) -> String {
        let digits = String(index + 1)
        return "LT" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Whether `host` is a loopback address the load test may use: an IPv4 literal in 127.0.0.0/8.
    static func isLoopback(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.first == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part).map { _ in !part.isEmpty } ?? false }
    }

    /// `20s`, `500ms`, `2m` or a number of seconds.
    static func parseDuration(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let value = Double(text.dropLast(unit.suffix.count)), value > 0, value.isFinite else { return nil }
            return value * unit.seconds
        }
        guard let value = Double(text), value > 0, value.isFinite else { return nil }
        return value
    }
}

/// Why the options cannot run.
struct LoadtestUsageError: Error, CustomStringConvertible {
    let description: String
}
