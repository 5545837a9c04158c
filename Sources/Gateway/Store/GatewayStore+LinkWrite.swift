import Foundation

extension GatewayStore {
    /// Carries out `write` step by step with the other methods (several commits); a store that
    /// can should do it in one (``SQLiteGatewayStore`` does).
    public func commit(_ write: LinkWrite, completion: @escaping @Sendable (Result<LinkWriteOutcome, StoreError>) -> Void) {
        Task { completion(await commitStepwise(write)) }
    }

    /// Removes a delivered entry (``acknowledge(_:sequence:)``) and hands over the outcome.
    public func acknowledge(_ queue: QueueKey, sequence: Int64,
                            completion: @escaping @Sendable (Result<Bool, StoreError>) -> Void) {
        Task {
            do throws(StoreError) {
                completion(.success(try await acknowledge(queue, sequence: sequence)))
            } catch {
                completion(.failure(error))
            }
        }
    }

    /// Records the id, reads the charge point's, removes the entry: three calls.
    public func acknowledgeStart(_ entry: QueuedMessage, backendTransactionId: Int,
                                 completion: @escaping @Sendable (Result<Int?, StoreError>) -> Void) {
        Task {
            do throws(StoreError) {
                var chargePointTransactionId: Int?
                if let record = entry.transactionRecord {
                    try await recordBackendTransactionId(backendTransactionId, backend: entry.queue.backend, record: record)
                    chargePointTransactionId = try await transaction(record: record)?.chargePointTransactionId
                }
                try await acknowledge(entry.queue, sequence: entry.sequence)
                completion(.success(chargePointTransactionId))
            } catch {
                completion(.failure(error))
            }
        }
    }

    func commitStepwise(_ write: LinkWrite) async -> Result<LinkWriteOutcome, StoreError> {
        do throws(StoreError) {
            var outcome = LinkWriteOutcome()
            switch write.transaction {
            case .start(let start)?:
                let started = try await recordStart(start, enqueue: write.enqueue)
                if started.isReplay { outcome.replay = started.record } else { outcome.awaitingAnswer = started.record.id }
                if let provisional = write.provisionalTransactionId, !started.isReplay {
                    try await recordChargePointTransactionId(provisional, record: started.record.id)
                    outcome.awaitingAnswer = nil
                }
                outcome.appended = started.appended
                outcome.transactionRecord = started.record.id
            case .stop(let stop)?:
                let stopped = try await recordStop(stop, enqueue: write.enqueue)
                outcome.appended = stopped.appended
                outcome.transactionRecord = stopped.record?.id
            case nil:
                if !write.enqueue.isEmpty { outcome.appended = try await appendBatch(write.enqueue) }
            }
            if let answered = write.answeredStart {
                try await recordChargePointTransactionId(answered.chargePointTransactionId, record: answered.record)
            }
            if outcome.replay == nil, let snapshot = write.snapshot {
                try await saveSnapshot(snapshot, chargePoint: write.chargePoint)
            }
            return .success(outcome)
        } catch {
            return .failure(error)
        }
    }
}
