import Foundation
import GRDB
import OCPP

extension SQLiteGatewayStore {
    public func recordStart(_ start: TransactionStart, enqueue: [OutboundDraft]) async throws(StoreError) -> StartOutcome {
        let options = options
        let outcome = try await write("record a StartTransaction") { db in try Self.recordStart(start, enqueue: enqueue, options: options, db) }
        queueLengths.appended(enqueue, outcome.appended)
        return outcome
    }

    /// Records a start inside the caller's transaction.
    static func recordStart(_ start: TransactionStart, enqueue: [OutboundDraft], options: Options, _ db: Database) throws -> StartOutcome {
        let now = Self.milliseconds(Date())
        let startedAt = Self.milliseconds(start.startedAt)
        // The dedupe key is the UNIQUE constraint; a replay inserts nothing.
        try db.cachedStatement(sql: """
            INSERT INTO transaction_record (charge_point, connector_id, id_tag, started_at, meter_start,
                owner_backend, charge_point_transaction_id, recorded_at, responder_message_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (charge_point, connector_id, id_tag, started_at) DO NOTHING
            """).execute(arguments: [start.chargePoint, start.connectorId, start.idTag, startedAt, start.meterStart,
                                     start.owner, start.chargePointTransactionId, now, start.responderMessageId])
        if db.changesCount == 0 {
            let id = try Int64.fetchOne(db, sql: """
                SELECT id FROM transaction_record
                WHERE charge_point = ? AND connector_id = ? AND id_tag = ? AND started_at = ?
                """, arguments: [start.chargePoint, start.connectorId, start.idTag, startedAt])
            guard let id, let record = try Self.loadRecord(id, db) else {
                throw StoreError(.internalError, "a replayed StartTransaction's record vanished")
            }
            return StartOutcome(record: record, isReplay: true, appended: [])
        }
        let id = db.lastInsertedRowID
        for (backend, own) in start.backendIds {
            try Self.saveBackendId(own, backend: backend, record: id, db)
        }
        let appended = try enqueue.map { try Self.append($0, record: id, options: options, db) }
        guard let record = try Self.loadRecord(id, db) else {
            throw StoreError(.internalError, "a new transaction record vanished")
        }
        return StartOutcome(record: record, isReplay: false, appended: appended)
    }

    public func recordChargePointTransactionId(_ id: Int, record: Int64) async throws(StoreError) {
        try await write("record a transaction id") { db in try Self.recordChargePointTransactionId(id, record: record, db) }
    }

    /// Records the charge point's id for a transaction inside the caller's transaction.
    static func recordChargePointTransactionId(_ id: Int, record: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE transaction_record SET charge_point_transaction_id = ? WHERE id = ?")
            .execute(arguments: [id, record])
        if db.changesCount == 0 { throw StoreError(.invalidRequest, "no transaction record \(record)") }
    }

    public func recordBackendTransactionId(_ id: Int, backend: String, record: Int64) async throws(StoreError) {
        try await write("record a backend's transaction id") { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM transaction_record WHERE id = ?)",
                                    arguments: [record]) == true
            else { throw StoreError(.invalidRequest, "no transaction record \(record)") }
            try Self.saveBackendId(id, backend: backend, record: record, db)
        }
    }

    public func recordStop(_ stop: TransactionStop, enqueue: [OutboundDraft]) async throws(StoreError) -> StopOutcome {
        let options = options
        let outcome = try await write("record a StopTransaction") { db in try Self.recordStop(stop, enqueue: enqueue, options: options, db) }
        queueLengths.appended(enqueue, outcome.appended)
        return outcome
    }

    /// Records a stop inside the caller's transaction.
    static func recordStop(_ stop: TransactionStop, enqueue: [OutboundDraft], options: Options, _ db: Database) throws -> StopOutcome {
        // The open one with that id first; else the latest stopped one (a replayed stop).
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, stopped_at FROM transaction_record
            WHERE charge_point = ? AND charge_point_transaction_id = ?
            ORDER BY stopped_at IS NULL DESC, id DESC LIMIT 1
            """), arguments: [stop.chargePoint, stop.chargePointTransactionId])
        guard let row else {
            let appended = try enqueue.map { try Self.append($0, record: nil, options: options, db) }
            return StopOutcome(record: nil, isReplay: false, appended: appended)
        }
        let id: Int64 = row["id"]
        if (row["stopped_at"] as Int64?) != nil {
            return StopOutcome(record: try Self.loadRecord(id, db), isReplay: true, appended: [])
        }
        try db.cachedStatement(sql: "UPDATE transaction_record SET stopped_at = ?, meter_stop = ?, stop_reason = ? WHERE id = ?")
            .execute(arguments: [Self.milliseconds(stop.stoppedAt), stop.meterStop, stop.reason, id])
        let appended = try enqueue.map { try Self.append($0, record: id, options: options, db) }
        return StopOutcome(record: try Self.loadRecord(id, db), isReplay: false, appended: appended)
    }

    public func transaction(record: Int64) async throws(StoreError) -> TransactionRecord? {
        try await read("read a transaction") { db in try Self.loadRecord(record, db) }
    }

    public func openTransaction(chargePoint: String, chargePointTransactionId: Int) async throws(StoreError) -> TransactionRecord? {
        try await read("read a transaction") { db in
            let id = try Int64.fetchOne(db, sql: """
                SELECT id FROM transaction_record
                WHERE charge_point = ? AND charge_point_transaction_id = ? AND stopped_at IS NULL
                ORDER BY id DESC LIMIT 1
                """, arguments: [chargePoint, chargePointTransactionId])
            return try id.flatMap { try Self.loadRecord($0, db) }
        }
    }

    public func backendTransactionId(backend: String, chargePoint: String, chargePointTransactionId: Int)
        async throws(StoreError) -> Int?
    {
        try await read("read a backend's transaction id") { db in
            // The latest by the order of `transactions(_:)` (start time, then id).
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT b.backend_transaction_id AS own FROM transaction_record r
                LEFT JOIN transaction_backend_id b ON b.transaction_record_id = r.id AND b.backend = ?
                WHERE r.charge_point = ? AND r.charge_point_transaction_id = ?
                ORDER BY r.started_at DESC, r.id DESC LIMIT 1
                """), arguments: [backend, chargePoint, chargePointTransactionId])?["own"]
        }
    }

    public func transactions(_ query: TransactionQuery) async throws(StoreError) -> [TransactionRecord] {
        try await read("list transactions") { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let since = query.since {
                conditions.append("(stopped_at IS NULL OR stopped_at >= ?)")
                arguments += [Self.milliseconds(since)]
            }
            if let chargePoint = query.chargePoint {
                conditions.append("charge_point = ?")
                arguments += [chargePoint]
            }
            if let open = query.open { conditions.append(open ? "stopped_at IS NULL" : "stopped_at IS NOT NULL") }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM transaction_record \(filter) ORDER BY started_at, id",
                                        arguments: arguments)
            let ids = try Self.backendIds(db, records: rows.map { $0["id"] as Int64 })
            return rows.map { Self.record($0, backendIds: ids[$0["id"] as Int64] ?? [:]) }
        }
    }

    // MARK: - Charge point state

    public func recordBootNotification(_ payload: JSONValue, chargePoint: String, at time: Date) async throws(StoreError) {
        try await write("record a BootNotification") { db in
            try db.execute(sql: """
                INSERT INTO boot_notification (charge_point, payload, received_at) VALUES (?, ?, ?)
                ON CONFLICT (charge_point) DO UPDATE SET payload = excluded.payload, received_at = excluded.received_at
                """, arguments: [chargePoint, payload.serialized, Self.milliseconds(time)])
        }
    }

    public func bootNotification(chargePoint: String) async throws(StoreError) -> StoredMessage? {
        try await read("read a BootNotification") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT payload, received_at FROM boot_notification WHERE charge_point = ?",
                                             arguments: [chargePoint])
            else { return nil }
            return StoredMessage(payload: try Self.json(row["payload"]), receivedAt: Self.date(row["received_at"]))
        }
    }

    public func recordStatusNotification(_ payload: JSONValue, chargePoint: String, connectorId: Int, at time: Date)
        async throws(StoreError)
    {
        try await write("record a StatusNotification") { db in
            try db.execute(sql: """
                INSERT INTO status_notification (charge_point, connector_id, payload, received_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (charge_point, connector_id)
                DO UPDATE SET payload = excluded.payload, received_at = excluded.received_at
                """, arguments: [chargePoint, connectorId, payload.serialized, Self.milliseconds(time)])
        }
    }

    public func statusNotifications(chargePoint: String) async throws(StoreError) -> [Int: StoredMessage] {
        try await read("read StatusNotifications") { db in
            var statuses: [Int: StoredMessage] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM status_notification WHERE charge_point = ?", arguments: [chargePoint]) {
                statuses[row["connector_id"]] = StoredMessage(payload: try Self.json(row["payload"]),
                                                              receivedAt: Self.date(row["received_at"]))
            }
            return statuses
        }
    }

    // MARK: - Snapshots

    public func saveSnapshot(_ snapshot: SessionSnapshot, chargePoint: String) async throws(StoreError) {
        try await write("save a session snapshot") { db in try Self.saveSnapshot(snapshot, chargePoint: chargePoint, db) }
    }

    /// Saves a snapshot inside the caller's transaction.
    static func saveSnapshot(_ snapshot: SessionSnapshot, chargePoint: String, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO session_snapshot (charge_point, snapshot, saved_at) VALUES (?, ?, ?)
            ON CONFLICT (charge_point) DO UPDATE SET snapshot = excluded.snapshot, saved_at = excluded.saved_at
            """).execute(arguments: [chargePoint, snapshot.jsonValue.serialized, Self.milliseconds(Date())])
    }

    public func snapshot(chargePoint: String) async throws(StoreError) -> SessionSnapshot? {
        try await read("read a session snapshot") { db in
            guard let text = try String.fetchOne(db, sql: "SELECT snapshot FROM session_snapshot WHERE charge_point = ?",
                                                 arguments: [chargePoint])
            else { return nil }
            guard let snapshot = SessionSnapshot(json: try Self.json(text)) else {
                throw StoreError(.corrupt, "the session snapshot of `\(chargePoint)` has an unknown shape")
            }
            return snapshot
        }
    }

    public func removeSnapshot(chargePoint: String) async throws(StoreError) {
        try await write("remove a session snapshot") { db in
            try db.execute(sql: "DELETE FROM session_snapshot WHERE charge_point = ?", arguments: [chargePoint])
        }
    }

    // MARK: - Rows

    static func saveBackendId(_ id: Int, backend: String, record: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO transaction_backend_id (transaction_record_id, backend, backend_transaction_id) VALUES (?, ?, ?)
            ON CONFLICT (transaction_record_id, backend) DO UPDATE SET backend_transaction_id = excluded.backend_transaction_id
            """).execute(arguments: [record, backend, id])
    }

    static func loadRecord(_ id: Int64, _ db: Database) throws -> TransactionRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM transaction_record WHERE id = ?"), arguments: [id]) else {
            return nil
        }
        var ids: [String: Int] = [:]
        for own in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT backend, backend_transaction_id FROM transaction_backend_id WHERE transaction_record_id = ?
            """), arguments: [id]) {
            ids[own["backend"]] = own["backend_transaction_id"]
        }
        return record(row, backendIds: ids)
    }

    static func backendIds(_ db: Database, records: [Int64]) throws -> [Int64: [String: Int]] {
        guard !records.isEmpty else { return [:] }
        var ids: [Int64: [String: Int]] = [:]
        // In chunks, well under SQLite's limit on bound parameters.
        for start in stride(from: 0, to: records.count, by: 500) {
            let chunk = Array(records[start..<min(start + 500, records.count)])
            let marks = chunk.map { _ in "?" }.joined(separator: ", ")
            for row in try Row.fetchAll(db, sql: """
                SELECT transaction_record_id, backend, backend_transaction_id FROM transaction_backend_id
                WHERE transaction_record_id IN (\(marks))
                """, arguments: StatementArguments(chunk))
            {
                ids[row["transaction_record_id"], default: [:]][row["backend"]] = row["backend_transaction_id"]
            }
        }
        return ids
    }

    static func record(_ row: Row, backendIds: [String: Int]) -> TransactionRecord {
        TransactionRecord(
            id: row["id"], chargePoint: row["charge_point"], connectorId: row["connector_id"], idTag: row["id_tag"],
            owner: row["owner_backend"], chargePointTransactionId: row["charge_point_transaction_id"], backendIds: backendIds,
            startedAt: date(row["started_at"]), meterStart: row["meter_start"],
            stoppedAt: (row["stopped_at"] as Int64?).map(date), meterStop: row["meter_stop"], stopReason: row["stop_reason"],
            responderMessageId: row["responder_message_id"])
    }
}
