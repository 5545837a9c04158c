import Foundation
import GRDB

extension SQLiteGatewayStore {
    /// Carries out `write` in one transaction, shared with other charge points' writes (one WAL
    /// sync between them), and calls `completion` on the writer's queue once it committed: no
    /// task between the event loop and SQLite.
    public func commit(_ write: LinkWrite, completion: @escaping @Sendable (Result<LinkWriteOutcome, StoreError>) -> Void) {
        let options = options
        let queueLengths = queueLengths
        committer.submit({ db in try Self.commit(write, options: options, db) }, completion: { result in
            switch result {
            case .success(let outcome):
                queueLengths.appended(outcome.replay == nil ? write.enqueue : [], outcome.appended)
                completion(.success(outcome))
            case .failure(let error):
                completion(.failure(Self.storeError(error, "cannot store a charge point's message")))
            }
        })
    }

    public func acknowledge(_ queue: QueueKey, sequence: Int64, completion: @escaping @Sendable (Result<Bool, StoreError>) -> Void) {
        let queueLengths = queueLengths
        committer.submit({ db in try Self.acknowledge(queue, sequence: sequence, db) }, completion: { result in
            switch result {
            case .success(let removed):
                if removed { queueLengths.changed(queue, by: -1) }
                completion(.success(removed))
            case .failure(let error):
                completion(.failure(Self.storeError(error, "cannot acknowledge a queued message")))
            }
        })
    }

    public func acknowledgeStart(_ entry: QueuedMessage, backendTransactionId: Int,
                                 completion: @escaping @Sendable (Result<Int?, StoreError>) -> Void) {
        let queueLengths = queueLengths
        committer.submit({ db -> (removed: Bool, chargePointTransactionId: Int?) in
            var chargePointTransactionId: Int?
            if let record = entry.transactionRecord {
                guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT charge_point_transaction_id FROM transaction_record WHERE id = ?
                    """), arguments: [record])
                else { throw StoreError(.invalidRequest, "no transaction record \(record)") }
                chargePointTransactionId = row["charge_point_transaction_id"]
                try Self.saveBackendId(backendTransactionId, backend: entry.queue.backend, record: record, db)
            }
            return (try Self.acknowledge(entry.queue, sequence: entry.sequence, db), chargePointTransactionId)
        }, completion: { result in
            switch result {
            case .success(let outcome):
                if outcome.removed { queueLengths.changed(entry.queue, by: -1) }
                completion(.success(outcome.chargePointTransactionId))
            case .failure(let error):
                completion(.failure(Self.storeError(error, "cannot record a backend's transaction id")))
            }
        })
    }

    /// `write` inside the caller's transaction.
    static func commit(_ write: LinkWrite, options: Options, _ db: Database) throws -> LinkWriteOutcome {
        var outcome = LinkWriteOutcome()
        switch write.transaction {
        case .start(let start)?:
            let started = try recordStart(start, enqueue: write.enqueue, options: options, db)
            if started.isReplay { outcome.replay = started.record } else { outcome.awaitingAnswer = started.record.id }
            if let provisional = write.provisionalTransactionId, !started.isReplay {
                try recordChargePointTransactionId(provisional, record: started.record.id, db)
                outcome.awaitingAnswer = nil
            }
            outcome.appended = started.appended
            outcome.transactionRecord = started.record.id
        case .stop(let stop)?:
            let stopped = try recordStop(stop, enqueue: write.enqueue, options: options, db)
            outcome.appended = stopped.appended
            outcome.transactionRecord = stopped.record?.id
        case nil:
            outcome.appended = try write.enqueue.map { try append($0, record: nil, options: options, db) }
        }
        if let answered = write.answeredStart {
            try recordChargePointTransactionId(answered.chargePointTransactionId, record: answered.record, db)
        }
        if outcome.replay == nil, let snapshot = write.snapshot { try saveSnapshot(snapshot, chargePoint: write.chargePoint, db) }
        return outcome
    }
}
