import Foundation
import Gateway
import OCPP
import Testing

/// The gateway's path through the SQLite store: one commit per charge-point message, and the
/// acknowledgement of a late StartTransaction with the backend's id.
@Suite("Store: the link's writes")
struct LinkWriteStoreTests {
    let ems = QueueKey(chargePoint: "CP-1", backend: "ems")

    /// `store.commit(write)`, awaited.
    func commit(_ store: any GatewayStore, _ write: LinkWrite) async throws -> LinkWriteOutcome {
        try await withCheckedThrowingContinuation { continuation in store.commit(write) { continuation.resume(with: $0) } }
    }

    @Test("a start with its copy, a provisional id and the snapshot: one commit; a replay returns the first record")
    func startInOneCommit() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let draft = OutboundDraft(queue: ems, action: "StartTransaction", payload: ["connectorId": 1], enqueuedAt: storeTime())
        let write = LinkWrite(chargePoint: "CP-1", transaction: .start(start()), enqueue: [draft])
        let outcome = try await commit(store, write)
        #expect(outcome.replay == nil)
        let record = try #require(outcome.transactionRecord)
        #expect(outcome.awaitingAnswer == record)
        #expect(outcome.appended.count == 1 && !outcome.appended[0].duplicate)
        let queued = try await store.peek(ems, limit: 10)
        #expect(queued.map(\.transactionRecord) == [record])

        let replay = try await commit(store, write)
        #expect(replay.replay?.id == record && replay.appended.isEmpty)
        #expect(try await store.peek(ems, limit: 10).count == 1)
    }

    @Test("a late StartTransaction's answer: the backend's id recorded and the entry removed together")
    func acknowledgeStart() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let draft = OutboundDraft(queue: ems, action: "StartTransaction", payload: ["connectorId": 1], enqueuedAt: storeTime())
        let outcome = try await commit(store, LinkWrite(chargePoint: "CP-1", transaction: .start(start()), enqueue: [draft]))
        let record = try #require(outcome.transactionRecord)
        let answered = LinkWrite(chargePoint: "CP-1", answeredStart: .init(record: record, chargePointTransactionId: 7))
        _ = try await commit(store, answered)
        let entry = try #require(try await store.peek(ems, limit: 1).first)

        let chargePointId: Int? = try await withCheckedThrowingContinuation { continuation in
            store.acknowledgeStart(entry, backendTransactionId: 900) { continuation.resume(with: $0) }
        }
        #expect(chargePointId == 7)
        #expect(try await store.peek(ems, limit: 10).isEmpty)
        #expect(try await store.transaction(record: record)?.backendIds == ["ems": 900])
    }
}
