import Foundation
import GRDB
import OCPP

extension SQLiteGatewayStore {
    public func append(_ draft: OutboundDraft) async throws(StoreError) -> AppendOutcome {
        let options = options
        let outcome = try await write("queue a message") { db in try Self.append(draft, record: nil, options: options, db) }
        queueLengths.appended([draft], [outcome])
        return outcome
    }

    public func appendBatch(_ drafts: [OutboundDraft]) async throws(StoreError) -> [AppendOutcome] {
        guard !drafts.isEmpty else { return [] }
        let options = options
        let outcomes = try await write("queue messages") { db in
            try drafts.map { try Self.append($0, record: nil, options: options, db) }
        }
        queueLengths.appended(drafts, outcomes)
        return outcomes
    }

    public func peek(_ queue: QueueKey, limit: Int) async throws(StoreError) -> [QueuedMessage] {
        guard limit > 0 else { return [] }
        if queueLengths.isKnownEmpty(queue) { return [] }
        let generation = queueLengths.generation(of: queue)
        let entries = try await read("read a queue") { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM outbound_message WHERE charge_point = ? AND backend = ? ORDER BY sequence LIMIT ?
                """), arguments: [queue.chargePoint, queue.backend, max(0, limit)]).map(Self.queued)
        }
        if entries.isEmpty { queueLengths.learnedEmpty(queue, generation: generation) }
        return entries
    }

    @discardableResult
    public func acknowledge(_ queue: QueueKey, sequence: Int64) async throws(StoreError) -> Bool {
        let removed = try await write("acknowledge a queued message") { db in try Self.acknowledge(queue, sequence: sequence, db) }
        if removed { queueLengths.changed(queue, by: -1) }
        return removed
    }

    /// Removes a delivered entry inside the caller's transaction; `true` if it was there.
    static func acknowledge(_ queue: QueueKey, sequence: Int64, _ db: Database) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM outbound_message WHERE sequence = ? AND charge_point = ? AND backend = ?")
            .execute(arguments: [sequence, queue.chargePoint, queue.backend])
        return db.changesCount > 0
    }

    public func queuedMessage(messageId: String) async throws(StoreError) -> QueuedMessage? {
        try await read("read a queued message") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM outbound_message WHERE message_id = ?", arguments: [messageId]).map(Self.queued)
        }
    }

    public func expire(now: Date) async throws(StoreError) -> [QueueDrop] {
        let options = options
        let drops = try await write("expire queued messages") { db in
            var drops: [QueueDrop] = []
            for backend in try String.fetchAll(db, sql: "SELECT DISTINCT backend FROM outbound_message ORDER BY backend") {
                guard let maxAge = options.limits(for: backend).maxAge else { continue }
                let cutoff = Self.milliseconds(now.addingTimeInterval(-maxAge))
                let rows = try Row.fetchAll(db, sql: """
                    SELECT sequence, charge_point, message_id, action FROM outbound_message
                    WHERE backend = ? AND enqueued_at < ? ORDER BY charge_point, sequence
                    """, arguments: [backend, cutoff])
                let byChargePoint = Dictionary(grouping: rows) { $0["charge_point"] as String }
                for chargePoint in byChargePoint.keys.sorted() {
                    drops.append(try Self.drop(byChargePoint[chargePoint]!, from: QueueKey(chargePoint: chargePoint, backend: backend),
                                               reason: .age, now: Self.milliseconds(now), db))
                }
            }
            return drops
        }
        queueLengths.dropped(drops)
        return drops
    }

    public func statistics(_ queue: QueueKey) async throws(StoreError) -> QueueStatistics {
        try await read("read queue statistics") { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS length, MIN(enqueued_at) AS oldest FROM outbound_message WHERE charge_point = ? AND backend = ?
                """, arguments: [queue.chargePoint, queue.backend])
            var dropped: [String: Int] = [:]
            for count in try Row.fetchAll(db, sql: """
                SELECT reason, dropped FROM outbound_drop_count WHERE charge_point = ? AND backend = ?
                """, arguments: [queue.chargePoint, queue.backend]) {
                dropped[count["reason"]] = count["dropped"]
            }
            return QueueStatistics(length: row?["length"] ?? 0, oldestEnqueuedAt: (row?["oldest"] as Int64?).map(Self.date),
                                   droppedByLength: dropped["length"] ?? 0, droppedByAge: dropped["age"] ?? 0)
        }
    }

    public func nonEmptyQueues(chargePoint: String) async throws(StoreError) -> [QueueKey] {
        try await read("list queues") { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT backend FROM outbound_message WHERE charge_point = ? ORDER BY backend",
                                arguments: [chargePoint]).map { QueueKey(chargePoint: chargePoint, backend: $0) }
        }
    }

    // MARK: - In a write

    /// Appends one draft inside the caller's transaction and applies its backend's limits.
    static func append(_ draft: OutboundDraft, record: Int64?, options: Options, _ db: Database) throws -> AppendOutcome {
        if let messageId = draft.messageId,
            let sequence = try Int64.fetchOne(db.cachedStatement(sql: "SELECT sequence FROM outbound_message WHERE message_id = ?"),
                                              arguments: [messageId])
        {
            return AppendOutcome(sequence: sequence, messageId: messageId, duplicate: true, dropped: [])
        }
        let messageId = draft.messageId ?? RandomMessageId.make()
        let now = milliseconds(draft.enqueuedAt)
        try db.cachedStatement(sql: """
            INSERT INTO outbound_message (charge_point, backend, message_id, action, payload, enqueued_at, transaction_record_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [draft.queue.chargePoint, draft.queue.backend, messageId, draft.action, draft.payload.serialized,
                             now, record])
        let sequence = db.lastInsertedRowID
        let limits = options.limits(for: draft.queue.backend)
        var dropped: [QueueDrop] = []
        if let maxAge = limits.maxAge {
            let rows = try Row.fetchAll(db, sql: """
                SELECT sequence, message_id, action FROM outbound_message
                WHERE charge_point = ? AND backend = ? AND enqueued_at < ? AND sequence <> ? ORDER BY sequence
                """, arguments: [draft.queue.chargePoint, draft.queue.backend,
                                 milliseconds(draft.enqueuedAt.addingTimeInterval(-maxAge)), sequence])
            if !rows.isEmpty { dropped.append(try drop(rows, from: draft.queue, reason: .age, now: now, db)) }
        }
        if let maxLength = limits.maxLength {
            let length = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbound_message WHERE charge_point = ? AND backend = ?",
                                          arguments: [draft.queue.chargePoint, draft.queue.backend]) ?? 0
            // The newest entry is always kept: a limit below 1 counts as 1.
            let excess = length - max(1, maxLength)
            if excess > 0 {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT sequence, message_id, action FROM outbound_message
                    WHERE charge_point = ? AND backend = ? ORDER BY sequence LIMIT ?
                    """, arguments: [draft.queue.chargePoint, draft.queue.backend, excess])
                dropped.append(try drop(rows, from: draft.queue, reason: .length, now: now, db))
            }
        }
        return AppendOutcome(sequence: sequence, messageId: messageId, duplicate: false, dropped: dropped)
    }

    /// Deletes `rows` (with `sequence`, `message_id`, `action`) and counts them.
    static func drop(_ rows: [Row], from queue: QueueKey, reason: QueueDrop.Reason, now: Int64, _ db: Database) throws -> QueueDrop {
        let entries = rows.map { QueueDrop.Entry(sequence: $0["sequence"], messageId: $0["message_id"], action: $0["action"]) }
        for entry in entries {
            try db.execute(sql: "DELETE FROM outbound_message WHERE sequence = ?", arguments: [entry.sequence])
        }
        try db.execute(sql: """
            INSERT INTO outbound_drop_count (charge_point, backend, reason, dropped, last_dropped_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (charge_point, backend, reason)
            DO UPDATE SET dropped = dropped + excluded.dropped, last_dropped_at = excluded.last_dropped_at
            """, arguments: [queue.chargePoint, queue.backend, reason.rawValue, entries.count, now])
        return QueueDrop(queue: queue, reason: reason, entries: entries)
    }

    static func queued(_ row: Row) throws -> QueuedMessage {
        QueuedMessage(sequence: row["sequence"], queue: QueueKey(chargePoint: row["charge_point"], backend: row["backend"]),
                      messageId: row["message_id"], action: row["action"], payload: try json(row["payload"]),
                      enqueuedAt: date(row["enqueued_at"]), transactionRecord: row["transaction_record_id"])
    }
}
