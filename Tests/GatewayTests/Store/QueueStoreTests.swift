import Foundation
import Gateway
import OCPP
import Testing

@Suite("Store: durable outbound queue")
struct QueueStoreTests {
    let billing = QueueKey(chargePoint: "CP-1", backend: "billing")

    @Test("append returns growing sequence numbers; peek reads in order without removing; acknowledge removes one")
    func appendPeekAcknowledge() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        var sequences: [Int64] = []
        for index in 0..<5 { sequences.append(try await store.append(meterDraft(index)).sequence) }
        #expect(sequences == sequences.sorted() && Set(sequences).count == 5)
        let other = try await store.append(meterDraft(99, backend: "analytics"))
        #expect(other.sequence > sequences.last!)

        let peeked = try await store.peek(billing, limit: 3)
        #expect(peeked.map(\.sequence) == Array(sequences.prefix(3)))
        #expect(peeked.map { $0.payload["index"]?.intValue } == [0, 1, 2])
        #expect(peeked.allSatisfy { $0.action == "MeterValues" && $0.queue == billing && $0.enqueuedAt == storeTime() })
        #expect(try await store.peek(billing, limit: 3) == peeked)

        #expect(try await store.acknowledge(billing, sequence: sequences[1]))
        #expect(try await !store.acknowledge(billing, sequence: sequences[1]))
        // A sequence of another queue is not acknowledged through this one.
        #expect(try await !store.acknowledge(billing, sequence: other.sequence))
        #expect(try await store.peek(billing, limit: 10).map(\.sequence) == [sequences[0]] + sequences[2...])
        #expect(try await store.peek(QueueKey(chargePoint: "CP-1", backend: "analytics"), limit: 10).count == 1)
        #expect(try await store.nonEmptyQueues(chargePoint: "CP-1").map(\.backend) == ["analytics", "billing"])
        #expect(try await store.nonEmptyQueues(chargePoint: "CP-2").isEmpty)
    }

    @Test("each entry gets a gateway message id (36 characters at most); an id already queued is not queued twice")
    func messageIds() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let made = try await store.append(meterDraft(0))
        #expect(!made.messageId.isEmpty && made.messageId.count <= 36 && !made.duplicate)
        let given = try await store.append(meterDraft(1, messageId: "gw-1"))
        #expect(given.messageId == "gw-1")
        let again = try await store.append(meterDraft(1, messageId: "gw-1"))
        #expect(again.duplicate && again.sequence == given.sequence)
        #expect(try await store.statistics(billing).length == 2)
        let found = try #require(try await store.queuedMessage(messageId: "gw-1"))
        #expect(found.sequence == given.sequence)
        #expect(try await store.queuedMessage(messageId: "nope") == nil)
        // Sequence numbers are never reused, even after the newest entry is acknowledged.
        let last = try await store.append(meterDraft(2))
        try await store.acknowledge(billing, sequence: last.sequence)
        #expect(try await store.append(meterDraft(3)).sequence > last.sequence)
    }

    @Test("appendBatch appends to several queues in one commit, in order")
    func batch() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let drafts = (0..<10).map { meterDraft($0, backend: $0 % 2 == 0 ? "billing" : "analytics") }
        let outcomes = try await store.appendBatch(drafts)
        #expect(outcomes.count == 10 && outcomes.map(\.sequence) == outcomes.map(\.sequence).sorted())
        #expect(try await store.peek(billing, limit: 100).map { $0.payload["index"]?.intValue } == [0, 2, 4, 6, 8])
        #expect(try await store.appendBatch([]).isEmpty)
    }

    @Test("a batch that does not fit is refused whole: all or none")
    func batchAllOrNone() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open(.init(maximumSize: 128 * 1024))
        let big = String(repeating: "x", count: 2000)
        let drafts = (0..<200).map {
            OutboundDraft(queue: billing, action: "DataTransfer", payload: ["data": .string(big), "i": .integer($0)], enqueuedAt: storeTime())
        }
        await expectStoreError(.storageFull) { try await store.appendBatch(drafts) }
        #expect(try await store.statistics(billing).length == 0)
    }

    @Test("group commit: N appends in one transaction write the WAL once, N transactions write it N times")
    func groupCommit() async throws {
        // Each commit appends the pages it changed to the WAL (and FULL syncs it): the WAL's size
        // counts commits. No timing: the same count on any machine.
        let count = 100
        let separate = StoreFixture()
        var store = try separate.open()
        for index in 0..<count { _ = try await store.append(meterDraft(index)) }
        let separateWAL = separate.size(of: "store.db-wal")
        #expect(try await store.statistics(billing).length == count)

        let grouped = StoreFixture()
        store = try grouped.open()
        let walBefore = grouped.size(of: "store.db-wal")
        _ = try await store.appendBatch((0..<count).map { meterDraft($0) })
        let groupedWAL = grouped.size(of: "store.db-wal") - walBefore
        #expect(try await store.statistics(billing).length == count)
        #expect(groupedWAL > 0 && separateWAL > 10 * groupedWAL, "separate: \(separateWAL) bytes, grouped: \(groupedWAL) bytes")
    }

    @Test("concurrent writers share commits: the WAL grows far less than one commit each, and every write is there")
    func concurrentWritersShareCommits() async throws {
        let count = 200
        let fixture = StoreFixture()
        let store = try fixture.open()
        let walBefore = fixture.size(of: "store.db-wal")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask { _ = try await store.append(meterDraft(index, backend: "b\(index % 7)")) }
            }
            try await group.waitForAll()
        }
        var total = 0
        for backend in 0..<7 { total += try await store.statistics(QueueKey(chargePoint: "CP-1", backend: "b\(backend)")).length }
        #expect(total == count)
        // One commit alone appends at least a page per changed page; 200 separate commits would
        // write well over 200 pages.
        #expect(fixture.size(of: "store.db-wal") - walBefore < count * 4096)
    }

    @Test("a failing write in a shared commit fails alone; the others commit")
    func failingWriteFailsAlone() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let taken = try await store.append(meterDraft(0, messageId: "taken"))
        let results = await withTaskGroup(of: Bool.self) { group -> [Bool] in
            for index in 1...20 {
                group.addTask {
                    // Odd ones name a transaction record that does not exist: refused.
                    if index % 2 == 1 {
                        return (try? await store.recordBackendTransactionId(1, backend: "x", record: 999)) != nil
                    }
                    return (try? await store.append(meterDraft(index))) != nil
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 10)
        #expect(try await store.statistics(billing).length == 11)
        #expect(try await store.peek(billing, limit: 1).first?.sequence == taken.sequence)
    }

    @Test("an emptied queue is peeked without a read, and what is appended later is seen")
    func emptiedQueue() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        #expect(try await store.peek(billing, limit: 1).isEmpty)
        let first = try await store.append(meterDraft(0))
        #expect(try await store.peek(billing, limit: 1).map(\.sequence) == [first.sequence])
        #expect(try await store.acknowledge(billing, sequence: first.sequence))
        #expect(try await store.peek(billing, limit: 1).isEmpty)
        let batch = try await store.appendBatch([meterDraft(1), meterDraft(2, backend: "analytics")])
        #expect(try await store.peek(billing, limit: 5).map(\.sequence) == [batch[0].sequence])
        _ = try await store.recordStart(start(), enqueue: [meterDraft(3)])
        #expect(try await store.peek(billing, limit: 5).count == 2)
        for entry in try await store.peek(billing, limit: 5) { #expect(try await store.acknowledge(billing, sequence: entry.sequence)) }
        #expect(try await store.peek(billing, limit: 5).isEmpty)
    }

    @Test("the length limit drops the oldest entries, returns them and counts them durably")
    func lengthLimit() async throws {
        let fixture = StoreFixture()
        let options = SQLiteGatewayStore.Options(queueLimits: ["billing": QueueLimits(maxLength: 3)])
        var store = try fixture.open(options)
        var sequences: [Int64] = []
        for index in 0..<3 {
            let outcome = try await store.append(meterDraft(index))
            #expect(outcome.dropped.isEmpty)
            sequences.append(outcome.sequence)
        }
        let fourth = try await store.append(meterDraft(3))
        #expect(fourth.dropped == [QueueDrop(queue: billing, reason: .length,
                                             entries: [.init(sequence: sequences[0], messageId: fourth.dropped.first?.entries.first?.messageId ?? "",
                                                             action: "MeterValues")])])
        #expect(try await store.peek(billing, limit: 10).map { $0.payload["index"]?.intValue } == [1, 2, 3])
        // Other backends have no limit.
        for index in 0..<5 { #expect(try await store.append(meterDraft(index, backend: "analytics")).dropped.isEmpty) }
        // A batch over the limit drops as it goes.
        let outcomes = try await store.appendBatch((4..<6).map { meterDraft($0) })
        #expect(outcomes.flatMap(\.dropped).flatMap(\.entries).count == 2)
        try await store.close()
        store = try fixture.open(options)
        let statistics = try await store.statistics(billing)
        #expect(statistics.length == 3 && statistics.droppedByLength == 3 && statistics.droppedByAge == 0)
    }

    @Test("the age limit drops entries older than it, on append and on expire, per backend")
    func ageLimit() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open(.init(queueLimits: ["billing": QueueLimits(maxAge: 60)],
                                           defaultQueueLimits: QueueLimits(maxAge: 600)))
        _ = try await store.append(meterDraft(0, at: 0))
        _ = try await store.append(meterDraft(1, at: 30))
        let late = try await store.append(meterDraft(2, at: 90))
        #expect(late.dropped.count == 1 && late.dropped[0].reason == .age && late.dropped[0].entries.count == 1)
        #expect(try await store.peek(billing, limit: 10).map { $0.payload["index"]?.intValue } == [1, 2])

        _ = try await store.append(meterDraft(3, chargePoint: "CP-2", backend: "billing", at: 100))
        _ = try await store.append(meterDraft(4, backend: "analytics", at: 0))
        // At 200 s: billing keeps entries from 140 s on (none), analytics (default 600 s) keeps all.
        let drops = try await store.expire(now: storeTime(200))
        #expect(drops.map(\.queue) == [QueueKey(chargePoint: "CP-1", backend: "billing"), QueueKey(chargePoint: "CP-2", backend: "billing")])
        #expect(drops.map(\.entries.count) == [2, 1] && drops.allSatisfy { $0.reason == .age })
        #expect(try await store.statistics(billing) == QueueStatistics(length: 0, oldestEnqueuedAt: nil, droppedByLength: 0, droppedByAge: 3))
        let analytics = try await store.statistics(QueueKey(chargePoint: "CP-1", backend: "analytics"))
        #expect(analytics.length == 1 && analytics.oldestEnqueuedAt == storeTime(0))
        #expect(try await store.expire(now: storeTime(200)).isEmpty)
        #expect(try await store.expire(now: storeTime(601)).map(\.queue.backend) == ["analytics"])
    }

    @Test("a limit below one still keeps the newest entry")
    func zeroLength() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open(.init(defaultQueueLimits: QueueLimits(maxLength: 0)))
        _ = try await store.append(meterDraft(0))
        let second = try await store.append(meterDraft(1))
        #expect(second.dropped.first?.entries.count == 1)
        #expect(try await store.peek(billing, limit: 10).map(\.sequence) == [second.sequence])
    }

    @Test("concurrent appends from many tasks: every one acknowledged, distinct sequence numbers, none lost")
    func concurrentAppends() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<64 { group.addTask { try await store.append(meterDraft(index, backend: "b\(index % 4)")).sequence } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(sequences).count == 64)
        var stored: [Int64] = []
        for backend in ["b0", "b1", "b2", "b3"] {
            stored += try await store.peek(QueueKey(chargePoint: "CP-1", backend: backend), limit: 100).map(\.sequence)
        }
        #expect(stored.sorted() == sequences.sorted())
    }

    @Test("a second process's view (another connection on the same file) sees every commit while the writer stays open")
    func secondReader() async throws {
        let fixture = StoreFixture()
        let writer = try fixture.open()
        let reader = try fixture.open(.init(createIfMissing: false))
        for index in 0..<20 {
            let sequence = try await writer.append(meterDraft(index)).sequence
            #expect(try await reader.peek(billing, limit: 100).last?.sequence == sequence)
        }
        _ = try await writer.recordStart(start())
        #expect(try await reader.transactions(TransactionQuery()).count == 1)
        try await reader.close()
        try await writer.close()
    }
}
