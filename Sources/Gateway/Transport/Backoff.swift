import NIOCore

/// Exponential backoff with full jitter for reconnecting: before attempt `n` (counting failures
/// since the last stable connection from 0) wait a uniformly random time in
/// `0 … min(cap, base · 2ⁿ)`.
///
/// Full jitter spreads the reconnects of many charge points' backend connections after a backend
/// outage instead of letting them arrive in waves.
public struct Backoff: Sendable, Equatable {
    /// The upper bound of the first delay (default 1 s).
    public var base: TimeAmount
    /// The largest upper bound (default 60 s).
    public var cap: TimeAmount
    /// A connection that stayed up this long resets the failure count (default 30 s).
    public var resetAfter: TimeAmount

    /// A backoff; the defaults are base 1 s, cap 60 s, reset after 30 s of being connected.
    public init(base: TimeAmount = .seconds(1), cap: TimeAmount = .seconds(60), resetAfter: TimeAmount = .seconds(30)) {
        self.base = .nanoseconds(max(0, base.nanoseconds))
        self.cap = .nanoseconds(max(self.base.nanoseconds, cap.nanoseconds))
        self.resetAfter = resetAfter
    }

    /// The upper bound of the delay before attempt `attempt` (0-based): `min(cap, base · 2^attempt)`.
    public func ceiling(forAttempt attempt: Int) -> TimeAmount {
        let exponent = min(max(0, attempt), 62)
        let (scaled, overflow) = base.nanoseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        return overflow ? cap : .nanoseconds(min(cap.nanoseconds, scaled))
    }

    /// A random delay before attempt `attempt`, uniformly in `0 … ceiling(forAttempt:)`.
    public func delay<Generator: RandomNumberGenerator>(forAttempt attempt: Int, using generator: inout Generator) -> TimeAmount {
        let ceiling = ceiling(forAttempt: attempt).nanoseconds
        guard ceiling > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...ceiling, using: &generator))
    }

    /// A random delay before attempt `attempt`, using the system's random number generator.
    public func delay(forAttempt attempt: Int) -> TimeAmount {
        var generator = SystemRandomNumberGenerator()
        return delay(forAttempt: attempt, using: &generator)
    }
}
