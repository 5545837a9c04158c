/// Everything a replay counted.
struct ReplayStats: Sendable {
    /// Per backend index, per action.
    var backends: [Int: [String: ActionStats]] = [:]
    /// Charge-point calls the gateway answers itself, per action.
    var gatewayAnswered: [String: Int] = [:]
    /// Charge-point calls answered with a CALLERROR, per action and error code.
    var rejected: [RejectionKey: Int] = [:]
    /// Lines read (blank lines excluded).
    var lines = 0
    /// Calls from charge points.
    var chargePointCalls = 0
    /// Calls to charge points.
    var backendCalls = 0
    /// Answers redacted on their way back to a backend.
    var answers = 0
    /// Frames that need no decision (answers to charge-point calls, errors, unmatched answers).
    var ignored = 0
    /// Lines that could not be replayed, with why.
    var problems: [(line: Int, message: String)] = []

    /// An action and the CALLERROR code it was rejected with.
    struct RejectionKey: Hashable, Sendable, Comparable {
        var action: String
        var errorCode: String

        static func < (lhs: RejectionKey, rhs: RejectionKey) -> Bool {
            (lhs.action, lhs.errorCode) < (rhs.action, rhs.errorCode)
        }
    }

    /// Updates the stats of `backend` and `action`.
    mutating func update(_ backend: Int, _ action: String, _ change: (inout ActionStats) -> Void) {
        change(&backends[backend, default: [:]][action, default: ActionStats()])
    }

    /// Charge-point calls answered with a CALLERROR.
    var rejectedCount: Int { rejected.values.reduce(0, +) }
    /// Backend calls let through, per backend checked.
    var allowedCount: Int { backends.values.flatMap(\.values).reduce(0) { $0 + $1.allowed } }
    /// Backend calls refused, per backend checked.
    var deniedCount: Int { backends.values.flatMap(\.values).reduce(0) { $0 + $1.denied } }
}
