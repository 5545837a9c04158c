import Foundation
import Gateway
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import OCPP
import Testing

@Suite struct BackoffTests {
    @Test func ceilingsDoubleUpToTheCap() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(60))
        #expect((0...7).map { backoff.ceiling(forAttempt: $0) }
            == [1, 2, 4, 8, 16, 32, 60, 60].map { TimeAmount.seconds($0) })
        #expect(backoff.ceiling(forAttempt: 10_000) == .seconds(60))
        #expect(backoff.ceiling(forAttempt: -3) == .seconds(1))
    }

    @Test func delaysAreFullyJittered() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(10))
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<200).map { _ in backoff.delay(forAttempt: 3, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(800) })
        #expect(Set(delays.map(\.nanoseconds)).count > 100)
        #expect(delays.contains { $0 < .milliseconds(400) } && delays.contains { $0 > .milliseconds(400) })
    }

    @Test func zeroBaseMeansNoDelay() {
        #expect(Backoff(base: .zero, cap: .zero).delay(forAttempt: 5) == .zero)
    }
}
