import Foundation
import Gateway
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import OCPP
import Testing

@Suite struct AttemptRateLimiterTests {
    final class FakeClock: Sendable {
        private let now = NIOLockedValueBox(NIODeadline.uptimeNanoseconds(1_000_000_000))
        var value: NIODeadline { now.withLockedValue { $0 } }
        func advance(_ amount: TimeAmount) { now.withLockedValue { $0 = $0 + amount } }
    }

    @Test func bucketEmptiesAndRefills() {
        let clock = FakeClock()
        let limiter = AttemptRateLimiter(configuration: .init(burst: 2, refillPerSecond: 0.5)) { clock.value }
        #expect(limiter.check("10.0.0.1").allowed)
        limiter.recordFailure("10.0.0.1")
        #expect(limiter.check("10.0.0.1").allowed)
        limiter.recordFailure("10.0.0.1")
        let blocked = limiter.check("10.0.0.1")
        #expect(!blocked.allowed)
        #expect(blocked.retryAfterSeconds == 2)
        #expect(limiter.check("10.0.0.2").allowed)
        clock.advance(.seconds(2))
        #expect(limiter.check("10.0.0.1").allowed)
    }

    @Test func trackedAddressesAreBounded() {
        let clock = FakeClock()
        let limiter = AttemptRateLimiter(configuration: .init(burst: 5, refillPerSecond: 1, maxTrackedAddresses: 10)) { clock.value }
        for index in 0..<100 { limiter.recordFailure("10.0.0.\(index)") }
        #expect(limiter.trackedAddressCount <= 10)
    }
}
