@testable import chargemux
import Testing

@Suite("LoadHops: where a load test call's time goes")
struct LoadHopsTests {
    @Test("a call's two hops: send to the first backend's receipt, and from there to the answer")
    func twoHops() throws {
        let hops = LoadHops(chargePoints: ["LT0001"])
        hops.sent("LT0001", at: 1_000_000)
        hops.reachedBackend("LT0001", at: 1_250_000)
        let measured = try #require(hops.answered("LT0001", at: 1_400_000))
        #expect(measured.out == 250)
        #expect(measured.back == 150)
    }

    @Test("a second receipt (a retransmission or a late copy) keeps the first")
    func firstReceiptKept() throws {
        let hops = LoadHops(chargePoints: ["LT0001"])
        hops.sent("LT0001", at: 1_000_000)
        hops.reachedBackend("LT0001", at: 1_100_000)
        hops.reachedBackend("LT0001", at: 1_300_000)
        let measured = try #require(hops.answered("LT0001", at: 1_500_000))
        #expect(measured.out == 100)
        #expect(measured.back == 400)
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
