import Foundation
import Runtime

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
