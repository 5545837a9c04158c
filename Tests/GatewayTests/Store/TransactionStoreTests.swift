import Foundation
import Gateway
import OCPP
import Testing

@Suite("Store: transaction records")
struct TransactionStoreTests {
    @Test("a start is recorded with its owner, ids and meter; a stop closes it with meter, time and reason")
    func startAndStop() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let started = try await store.recordStart(start(chargePointTransactionId: 7, backendIds: ["billing": 7, "analytics": 900]))
        #expect(!started.isReplay)
        let record = started.record
        #expect(record.chargePoint == "CP-1" && record.connectorId == 1 && record.idTag == "a1b2c3d4e5f6")
        #expect(record.owner == "billing" && record.chargePointTransactionId == 7)
        #expect(record.backendIds == ["billing": 7, "analytics": 900])
        #expect(record.startedAt == storeTime() && record.meterStart == 1000 && record.isOpen)

        let open = try await store.openTransaction(chargePoint: "CP-1", chargePointTransactionId: 7)
        #expect(open == record)

        let stopped = try await store.recordStop(TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 7,
                                                                 stoppedAt: storeTime(3600), meterStop: 23_456, reason: "EVDisconnected"))
        #expect(!stopped.isReplay)
        let closed = try #require(stopped.record)
        #expect(closed.id == record.id && closed.stoppedAt == storeTime(3600) && closed.meterStop == 23_456)
        #expect(closed.stopReason == "EVDisconnected" && closed.energyKWh == 22.456 && !closed.isOpen)
        #expect(try await store.openTransaction(chargePoint: "CP-1", chargePointTransactionId: 7) == nil)
        #expect(try await store.transaction(record: record.id) == closed)
    }

    @Test("a replayed StartTransaction (same charge point, connector, idTag, timestamp) opens nothing and queues nothing")
    func replayedStart() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let drafts = [OutboundDraft(queue: QueueKey(chargePoint: "CP-1", backend: "billing"), action: "StartTransaction",
                                    payload: ["connectorId": 1], enqueuedAt: storeTime())]
        let first = try await store.recordStart(start(), enqueue: drafts)
        #expect(first.appended.count == 1)
        try await store.recordChargePointTransactionId(41, record: first.record.id)
        let replay = try await store.recordStart(start(meterStart: 1000), enqueue: drafts)
        #expect(replay.isReplay && replay.appended.isEmpty)
        #expect(replay.record.id == first.record.id && replay.record.chargePointTransactionId == 41)
        #expect(try await store.statistics(QueueKey(chargePoint: "CP-1", backend: "billing")).length == 1)
        #expect(try await store.transactions(TransactionQuery()).count == 1)

        // Any part of the key differing is a new transaction.
        for other in [start("CP-2"), start(connector: 2), start(idTag: "ffffffffffff"), start(at: 0.001)] {
            #expect(try await !store.recordStart(other).isReplay)
        }
        #expect(try await store.transactions(TransactionQuery()).count == 5)
    }

    @Test("a replay finds the responder leg's message id of the first attempt, for the retransmission")
    func replayKeepsResponderMessageId() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        var first = start()
        first.responderMessageId = "cmx-7"
        #expect(try await store.recordStart(first).record.responderMessageId == "cmx-7")
        var retry = start()
        retry.responderMessageId = "cmx-2"
        let replay = try await store.recordStart(retry)
        #expect(replay.isReplay && replay.record.responderMessageId == "cmx-7")
        #expect(try await store.recordStart(start(connector: 2)).record.responderMessageId == nil)
    }

    @Test("queue entries of a start are appended in the same commit and linked to the record")
    func startWithQueueEntries() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let drafts = ["billing", "analytics"].map { backend in
            OutboundDraft(queue: QueueKey(chargePoint: "CP-1", backend: backend), action: "StartTransaction",
                          payload: ["connectorId": 1, "idTag": "a1b2c3d4e5f6"], enqueuedAt: storeTime())
        }
        let outcome = try await store.recordStart(start(), enqueue: drafts)
        #expect(outcome.appended.count == 2 && outcome.appended.allSatisfy { !$0.duplicate })
        let queued = try await store.peek(QueueKey(chargePoint: "CP-1", backend: "analytics"), limit: 10)
        #expect(queued.count == 1 && queued[0].transactionRecord == outcome.record.id && queued[0].action == "StartTransaction")
    }

    @Test("backend ids recorded after the start; an unknown record is an invalid request")
    func backendIds() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let record = try await store.recordStart(start()).record
        try await store.recordChargePointTransactionId(5, record: record.id)
        try await store.recordBackendTransactionId(5, backend: "billing", record: record.id)
        try await store.recordBackendTransactionId(77, backend: "analytics", record: record.id)
        try await store.recordBackendTransactionId(78, backend: "analytics", record: record.id)
        let loaded = try #require(try await store.openTransaction(chargePoint: "CP-1", chargePointTransactionId: 5))
        #expect(loaded.backendIds == ["billing": 5, "analytics": 78])
        await expectStoreError(.invalidRequest) { try await store.recordBackendTransactionId(1, backend: "x", record: 999) }
        await expectStoreError(.invalidRequest) { try await store.recordChargePointTransactionId(1, record: 999) }
    }

    @Test("a replayed stop changes and queues nothing; a stop of an unknown transaction is queued without a record")
    func replayedAndUnknownStop() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        _ = try await store.recordStart(start(chargePointTransactionId: 9))
        let stop = TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 9, stoppedAt: storeTime(60), meterStop: 1500)
        let draft = OutboundDraft(queue: QueueKey(chargePoint: "CP-1", backend: "billing"), action: "StopTransaction",
                                  payload: ["transactionId": 9], enqueuedAt: storeTime(60))
        let first = try await store.recordStop(stop, enqueue: [draft])
        #expect(!first.isReplay && first.appended.count == 1)
        var later = stop
        later.meterStop = 9999
        let replay = try await store.recordStop(later, enqueue: [draft])
        #expect(replay.isReplay && replay.appended.isEmpty && replay.record?.meterStop == 1500)

        let unknown = try await store.recordStop(TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 404,
                                                                 stoppedAt: storeTime(61), meterStop: 1), enqueue: [draft])
        #expect(unknown.record == nil && !unknown.isReplay && unknown.appended.count == 1)
        #expect(try await store.statistics(QueueKey(chargePoint: "CP-1", backend: "billing")).length == 2)
    }

    @Test("a charge point that reuses a transaction id: the stop closes the open one, not the old one")
    func reusedChargePointId() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let old = try await store.recordStart(start(at: 0, chargePointTransactionId: 1)).record
        _ = try await store.recordStop(TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 1, stoppedAt: storeTime(10), meterStop: 1100))
        let new = try await store.recordStart(start(at: 100, chargePointTransactionId: 1)).record
        let stopped = try await store.recordStop(TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 1,
                                                                 stoppedAt: storeTime(200), meterStop: 2000))
        #expect(!stopped.isReplay && stopped.record?.id == new.id && stopped.record?.id != old.id)
    }

    @Test("a backend's id for the latest transaction with a charge-point id, as the full list gives it")
    func backendIdLookup() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let old = try await store.recordStart(start(at: 0, chargePointTransactionId: 1)).record
        try await store.recordBackendTransactionId(10, backend: "fleet", record: old.id)
        _ = try await store.recordStop(TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 1, stoppedAt: storeTime(10), meterStop: 1100))
        #expect(try await store.backendTransactionId(backend: "fleet", chargePoint: "CP-1", chargePointTransactionId: 1) == 10)
        let new = try await store.recordStart(start(at: 100, chargePointTransactionId: 1)).record
        _ = try await store.recordStart(start("CP-2", at: 100, chargePointTransactionId: 1, backendIds: ["fleet": 99]))
        #expect(try await store.backendTransactionId(backend: "fleet", chargePoint: "CP-1", chargePointTransactionId: 1) == nil)
        try await store.recordBackendTransactionId(20, backend: "fleet", record: new.id)
        #expect(try await store.backendTransactionId(backend: "fleet", chargePoint: "CP-1", chargePointTransactionId: 1) == 20)
        #expect(try await store.backendTransactionId(backend: "ems", chargePoint: "CP-1", chargePointTransactionId: 1) == nil)
        #expect(try await store.backendTransactionId(backend: "fleet", chargePoint: "CP-1", chargePointTransactionId: 2) == nil)
        #expect(try await store.backendTransactionId(backend: "fleet", chargePoint: "CP-2", chargePointTransactionId: 1) == 99)
        // The protocol's default (the full list) answers the same.
        for (backend, chargePoint, id) in [("fleet", "CP-1", 1), ("ems", "CP-1", 1), ("fleet", "CP-2", 1), ("fleet", "CP-1", 2)] {
            let records = try await store.transactions(TransactionQuery(chargePoint: chargePoint))
            let expected = records.last(where: { $0.chargePointTransactionId == id })?.backendIds[backend]
            #expect(try await store.backendTransactionId(backend: backend, chargePoint: chargePoint, chargePointTransactionId: id) == expected)
        }
    }

    @Test("queries by charge point, by time (charging at or after `since`) and open or stopped")
    func queries() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        _ = try await store.recordStart(start("CP-1", at: 0, chargePointTransactionId: 1))
        _ = try await store.recordStop(TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 1, stoppedAt: storeTime(100), meterStop: 2000))
        _ = try await store.recordStart(start("CP-2", at: 50, chargePointTransactionId: 1))
        _ = try await store.recordStart(start("CP-1", connector: 2, at: 500, chargePointTransactionId: 2))
        _ = try await store.recordStop(TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 2, stoppedAt: storeTime(900), meterStop: 3000))

        let all = try await store.transactions(TransactionQuery())
        #expect(all.map(\.chargePoint) == ["CP-1", "CP-2", "CP-1"])
        #expect(try await store.transactions(TransactionQuery(chargePoint: "CP-1")).count == 2)
        #expect(try await store.transactions(TransactionQuery(open: true)).map(\.chargePoint) == ["CP-2"])
        #expect(try await store.transactions(TransactionQuery(open: false)).count == 2)
        // Since 200 s: the first stopped before, the open one and the later one count.
        let since = try await store.transactions(TransactionQuery(since: storeTime(200)))
        #expect(since.map(\.connectorId) == [1, 2] && since.map(\.chargePoint) == ["CP-2", "CP-1"])
        #expect(try await store.transactions(TransactionQuery(since: storeTime(200), chargePoint: "CP-1")).count == 1)
    }

    @Test("records survive closing and reopening the store")
    func reopen() async throws {
        let fixture = StoreFixture()
        var store = try fixture.open()
        let record = try await store.recordStart(start(backendIds: ["billing": 3])).record
        try await store.close()
        store = try fixture.open()
        #expect(try await store.transaction(record: record.id) == record)
        #expect(try await store.recordStart(start()).isReplay)
    }
}
