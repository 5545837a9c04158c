import NIOConcurrencyHelpers
import NIOCore

/// Limits failed connection attempts per source address with a token bucket.
///
/// Each address starts with ``Configuration/burst`` tokens; every failed attempt takes one, and
/// tokens come back at ``Configuration/refillPerSecond``. While an address has less than one
/// token, every attempt from it — good credentials included — is answered with
/// `429 Too Many Requests` (with `Retry-After`) before any credential is looked at, so guessing
/// passwords costs time. Successful attempts take no token.
///
/// Thread-safe: listeners on every event loop share one limiter.
public final class AttemptRateLimiter: Sendable {
    /// How many failures an address may have and how fast they are forgiven.
    public struct Configuration: Sendable {
        /// Failed attempts allowed in a burst (the bucket size).
        public var burst: Double
        /// Tokens regained per second.
        public var refillPerSecond: Double
        /// The most addresses tracked at once; when full, addresses whose buckets have refilled
        /// are forgotten first, then the oldest.
        public var maxTrackedAddresses: Int

        /// A configuration; the default allows 10 failures, then one every 6 seconds.
        public init(burst: Double = 10, refillPerSecond: Double = 1.0 / 6, maxTrackedAddresses: Int = 10_000) {
            self.burst = max(1, burst)
            self.refillPerSecond = max(0.000_001, refillPerSecond)
            self.maxTrackedAddresses = max(1, maxTrackedAddresses)
        }

        /// The defaults: 10 failures, then one every 6 seconds.
        public static let `default` = Configuration()
    }

    private struct Bucket {
        var tokens: Double
        var updated: NIODeadline
    }

    /// The configuration in use.
    public let configuration: Configuration
    private let now: @Sendable () -> NIODeadline
    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])

    /// A limiter; `now` is the clock (tests pass their own).
    public init(configuration: Configuration = .default, now: @escaping @Sendable () -> NIODeadline = { .now() }) {
        self.configuration = configuration
        self.now = now
    }

    /// Whether `address` may attempt to connect now; if not, the seconds until it may.
    public func check(_ address: String) -> (allowed: Bool, retryAfterSeconds: Int) {
        let now = self.now()
        return buckets.withLockedValue { buckets in
            guard var bucket = buckets[address] else { return (true, 0) }
            refill(&bucket, at: now)
            buckets[address] = bucket
            if bucket.tokens >= 1 { return (true, 0) }
            let seconds = ((1 - bucket.tokens) / configuration.refillPerSecond).rounded(.up)
            return (false, max(1, Int(min(seconds, 86_400))))
        }
    }

    /// Records a failed attempt from `address`.
    public func recordFailure(_ address: String) {
        let now = self.now()
        buckets.withLockedValue { buckets in
            var bucket = buckets[address] ?? Bucket(tokens: configuration.burst, updated: now)
            refill(&bucket, at: now)
            bucket.tokens = max(0, bucket.tokens - 1)
            buckets[address] = bucket
            if buckets.count > configuration.maxTrackedAddresses { prune(&buckets, at: now) }
        }
    }

    /// How many addresses are tracked (for tests and metrics).
    public var trackedAddressCount: Int { buckets.withLockedValue { $0.count } }

    private func refill(_ bucket: inout Bucket, at now: NIODeadline) {
        let elapsed = Double(max(0, (now - bucket.updated).nanoseconds)) / 1e9
        bucket.tokens = min(configuration.burst, bucket.tokens + elapsed * configuration.refillPerSecond)
        bucket.updated = now
    }

    private func prune(_ buckets: inout [String: Bucket], at now: NIODeadline) {
        buckets = buckets.filter { _, bucket in
            var bucket = bucket
            refill(&bucket, at: now)
            return bucket.tokens < configuration.burst
        }
        let excess = buckets.count - configuration.maxTrackedAddresses
        if excess > 0 {
            let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(excess)
            for (address, _) in oldest { buckets[address] = nil }
        }
    }
}
