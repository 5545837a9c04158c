import Foundation
import Runtime

/// The `now` of test cases: a fixed instant, so time-bounded rules decide the same way on every day
/// the tests run.
enum PolicyClock {
    /// Seconds since 1970 of an RFC 3339 date-time with a zone (`2027-01-31T00:00:00Z`).
    static func parse(_ text: String) -> Double? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date.timeIntervalSince1970 }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)?.timeIntervalSince1970
    }
}

extension CompiledPolicy {
    /// Whether any rule has a `now` condition, so its decisions depend on the time.
    var readsClock: Bool {
        ownerRules.contains { $0.condition?.readsClock ?? false }
            || chargePointCalls.contains { $0.groups.contains { $0.leaves.contains { $0.condition?.readsClock ?? false } } }
            || backendCalls.contains { $0.groups.contains { $0.leaves.contains { $0.condition?.readsClock ?? false } } }
    }
}

extension Runtime.Predicate {
    var readsClock: Bool {
        switch self {
        case .constant: false
        case .and(let parts), .or(let parts): parts.contains { $0.readsClock }
        case .not(let inner): inner.readsClock
        case .test(let accessor, _): accessor == .now
        }
    }
}
