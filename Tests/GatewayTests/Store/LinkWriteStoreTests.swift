import Foundation
import Gateway
import OCPP
import Testing

/// The gateway's path through the SQLite store: what a charge-point message asks to keep, all or
/// nothing, and the acknowledgement of a late StartTransaction with the backend's id.
@Suite("Store: the link's writes")
struct LinkWriteStoreTests {
    let ems = QueueKey(chargePoint: "CP-1", backend: "ems")
    /// ems's copy of a StartTransaction.
    var draft: OutboundDraft {
        OutboundDraft(queue: ems, action: "StartTransaction", payload: ["connectorId": 1], enqueuedAt: storeTime())
    }

    /// `store.commit(write)`, awaited.
    func commit(_ store: any GatewayStore, _ write: LinkWrite) async throws -> LinkWriteOutcome {
        try await withCheckedThrowingContinuation { continuation in store.commit(write) { continuation.resume(with: $0) } }
    }

    @Test("a start the gateway answered itself: its record with the provisional id, its copy and the snapshot in one call; a replay writes nothing")
    func startWithCopyAndSnapshot() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let snapshot = SessionSnapshot(transactions: [.init(chargePointTransactionId: 1_000_000_007, connectorId: 1,
                                                            owner: "billing", backendIds: [:])])
        let write = LinkWrite(chargePoint: "CP-1", transaction: .start(start()), enqueue: [draft],
                              provisionalTransactionId: 1_000_000_007, snapshot: snapshot)
        let outcome = try await commit(store, write)
        #expect(outcome.replay == nil)
        // The charge point already has its (provisional) id: nothing awaits a responder's answer.
        #expect(outcome.awaitingAnswer == nil)
        let record = try #require(outcome.transactionRecord)
        #expect(try await store.transaction(record: record)?.chargePointTransactionId == 1_000_000_007)
        #expect(outcome.appended.count == 1 && !outcome.appended[0].duplicate)
        #expect(try await store.peek(ems, limit: 10).map(\.transactionRecord) == [record])
        #expect(try await store.snapshot(chargePoint: "CP-1") == snapshot)

        let replay = try await commit(store, LinkWrite(chargePoint: "CP-1", transaction: .start(start()), enqueue: [draft],
                                                       snapshot: SessionSnapshot()))
        #expect(replay.replay?.id == record && replay.appended.isEmpty)
        #expect(try await store.peek(ems, limit: 10).count == 1)
        #expect(try await store.snapshot(chargePoint: "CP-1") == snapshot)
    }

    @Test("all or nothing: when one part of a charge point's write fails, none of it is kept")
    func allOrNothing() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        // The last part names a record that does not exist: it fails after the start and the copy were written.
        let write = LinkWrite(chargePoint: "CP-1", transaction: .start(start()), enqueue: [draft],
                              answeredStart: .init(record: 999, chargePointTransactionId: 7),
                              snapshot: SessionSnapshot(transactions: [.init(chargePointTransactionId: 7, connectorId: 1,
                                                                             owner: nil, backendIds: [:])]))
        await #expect(throws: StoreError.self) { try await commit(store, write) }
        #expect(try await store.transactions(TransactionQuery(chargePoint: "CP-1")).isEmpty)
        #expect(try await store.peek(ems, limit: 10).isEmpty)
        #expect(try await store.snapshot(chargePoint: "CP-1") == nil)
    }

    @Test("a late StartTransaction's answer: the backend's id recorded and the entry removed together")
    func acknowledgeStart() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
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
