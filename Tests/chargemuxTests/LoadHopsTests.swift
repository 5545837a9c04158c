@testable import chargemux
import Testing

@Suite("LoadHops: where a load test call's time goes")
struct LoadHopsTests {
    /// Sent at 1 ms; the first backend's receipts; the answer's arrival; the hops expected (µs).
    struct Case: Sendable, CustomTestStringConvertible {
        let receipts: [UInt64]
        let answeredAt: UInt64
        let out: UInt64
        let back: UInt64
        var testDescription: String { "receipts \(receipts), answered at \(answeredAt)" }
    }

    @Test("a call's two hops, from its send to the first backend's first receipt and from there to the answer",
          arguments: [
              Case(receipts: [1_250_000], answeredAt: 1_400_000, out: 250, back: 150),
              // A retransmission or a late copy: the first receipt counts.
              Case(receipts: [1_100_000, 1_300_000], answeredAt: 1_500_000, out: 100, back: 400),
          ])
    func twoHops(_ call: Case) throws {
        let hops = LoadHops(chargePoints: ["LT0001"])
        hops.sent("LT0001", at: 1_000_000)
        for receipt in call.receipts { hops.reachedBackend("LT0001", at: receipt) }
        let measured = try #require(hops.answered("LT0001", at: call.answeredAt))
        #expect(measured.out == call.out)
        #expect(measured.back == call.back)
    }

    @Test("no hops for a call the first backend never saw, nor for an unknown charge point")
    func unseenCall() {
        let hops = LoadHops(chargePoints: ["LT0001"])
        hops.sent("LT0001", at: 1_000_000)
        #expect(hops.answered("LT0001", at: 1_200_000) == nil)
        hops.reachedBackend("LT0002", at: 1_300_000)
        #expect(hops.answered("LT0002", at: 1_400_000) == nil)
    }

    @Test("a receipt between calls (a queued copy of an earlier one) does not count for the next")
    func receiptBetweenCalls() throws {
        let hops = LoadHops(chargePoints: ["LT0001"])
        hops.sent("LT0001", at: 1_000_000)
        hops.reachedBackend("LT0001", at: 1_100_000)
        _ = hops.answered("LT0001", at: 1_200_000)
        hops.reachedBackend("LT0001", at: 1_300_000)
        hops.sent("LT0001", at: 1_400_000)
        hops.reachedBackend("LT0001", at: 1_450_000)
        let measured = try #require(hops.answered("LT0001", at: 1_600_000))
        #expect(measured.out == 50)
    }
}
