import Foundation
import Gateway
import NIOConcurrencyHelpers
import OCPP

/// A real store whose writes can be made to fail with a chosen error (a full disk, a read-only
/// file system) while reads go on, as SQLite behaves then, and whose queue reads, backend-id
/// writes and acknowledgements can be held at a gate, to order the link's store calls in a test.
/// The gateway's own calls (`commit`, the acknowledgements) reach the real store's: the tests
/// run the path the gateway runs. The store's own tests show the real failures on real file
/// systems; this puts them under a running gateway.
final class ControlledStore: GatewayStore {
    let base: any GatewayStore
    private let failure = NIOLockedValueBox<StoreError?>(nil)
    /// Reads of these backends' queues wait until their gate opens.
    let peekGates = NIOLockedValueBox<[String: Gate]>([:])
    /// Backend transaction-id writes wait until this gate opens.
    let backendIdGate = NIOLockedValueBox<Gate?>(nil)
    /// Removals of delivered queue entries wait until this gate opens.
    let acknowledgeGate = NIOLockedValueBox<Gate?>(nil)
    /// The queue entries the link's writes asked for, in order.
    let appended = NIOLockedValueBox<[OutboundDraft]>([])

    init(_ base: any GatewayStore) { self.base = base }

    /// Every later write throws `error` (`nil`: writes work again).
    func failWrites(_ error: StoreError?) { failure.withLockedValue { $0 = error } }

    private func check() throws(StoreError) {
        if let error = failure.withLockedValue({ $0 }) { throw error }
    }

    func commit(_ write: LinkWrite, completion: @escaping @Sendable (Result<LinkWriteOutcome, StoreError>) -> Void) {
        if let error = failure.withLockedValue({ $0 }) { return completion(.failure(error)) }
        appended.withLockedValue { $0 += write.enqueue }
        base.commit(write, completion: completion)
    }
    func acknowledge(_ queue: QueueKey, sequence: Int64, completion: @escaping @Sendable (Result<Bool, StoreError>) -> Void) {
        let gate = acknowledgeGate.withLockedValue { $0 }
        let base = base
        Task {
            await gate?.pass()
            base.acknowledge(queue, sequence: sequence, completion: completion)
        }
    }
    func acknowledgeStart(_ entry: QueuedMessage, backendTransactionId: Int,
                          completion: @escaping @Sendable (Result<Int?, StoreError>) -> Void) {
        let gate = backendIdGate.withLockedValue { $0 }
        let base = base
        Task {
            await gate?.pass()
            if let error = failure.withLockedValue({ $0 }) { return completion(.failure(error)) }
            base.acknowledgeStart(entry, backendTransactionId: backendTransactionId, completion: completion)
        }
    }
    func recordStart(_ start: TransactionStart, enqueue: [OutboundDraft]) async throws(StoreError) -> StartOutcome {
        try check(); return try await base.recordStart(start, enqueue: enqueue)
    }
    func recordChargePointTransactionId(_ id: Int, record: Int64) async throws(StoreError) {
        try check(); try await base.recordChargePointTransactionId(id, record: record)
    }
    func recordBackendTransactionId(_ id: Int, backend: String, record: Int64) async throws(StoreError) {
        if let gate = backendIdGate.withLockedValue({ $0 }) { await gate.pass() }
        try check(); try await base.recordBackendTransactionId(id, backend: backend, record: record)
    }
    func recordStop(_ stop: TransactionStop, enqueue: [OutboundDraft]) async throws(StoreError) -> StopOutcome {
        try check(); return try await base.recordStop(stop, enqueue: enqueue)
    }
    func transaction(record: Int64) async throws(StoreError) -> TransactionRecord? { try await base.transaction(record: record) }
    func openTransaction(chargePoint: String, chargePointTransactionId: Int) async throws(StoreError) -> TransactionRecord? {
        try await base.openTransaction(chargePoint: chargePoint, chargePointTransactionId: chargePointTransactionId)
    }
    func transactions(_ query: TransactionQuery) async throws(StoreError) -> [TransactionRecord] { try await base.transactions(query) }
    func recordBootNotification(_ payload: JSONValue, chargePoint: String, at time: Date) async throws(StoreError) {
        try check(); try await base.recordBootNotification(payload, chargePoint: chargePoint, at: time)
    }
    func bootNotification(chargePoint: String) async throws(StoreError) -> StoredMessage? {
        try await base.bootNotification(chargePoint: chargePoint)
    }
    func recordStatusNotification(_ payload: JSONValue, chargePoint: String, connectorId: Int, at time: Date) async throws(StoreError) {
        try check(); try await base.recordStatusNotification(payload, chargePoint: chargePoint, connectorId: connectorId, at: time)
    }
    func statusNotifications(chargePoint: String) async throws(StoreError) -> [Int: StoredMessage] {
        try await base.statusNotifications(chargePoint: chargePoint)
    }
    func append(_ draft: OutboundDraft) async throws(StoreError) -> AppendOutcome { try check(); return try await base.append(draft) }
    func appendBatch(_ drafts: [OutboundDraft]) async throws(StoreError) -> [AppendOutcome] {
        try check(); return try await base.appendBatch(drafts)
    }
    func peek(_ queue: QueueKey, limit: Int) async throws(StoreError) -> [QueuedMessage] {
        if let gate = peekGates.withLockedValue({ $0[queue.backend] }) { await gate.pass() }
        return try await base.peek(queue, limit: limit)
    }
    func acknowledge(_ queue: QueueKey, sequence: Int64) async throws(StoreError) -> Bool {
        if let gate = acknowledgeGate.withLockedValue({ $0 }) { await gate.pass() }
        return try await base.acknowledge(queue, sequence: sequence)
    }
    func queuedMessage(messageId: String) async throws(StoreError) -> QueuedMessage? { try await base.queuedMessage(messageId: messageId) }
    func expire(now: Date) async throws(StoreError) -> [QueueDrop] { try await base.expire(now: now) }
    func statistics(_ queue: QueueKey) async throws(StoreError) -> QueueStatistics { try await base.statistics(queue) }
    func nonEmptyQueues(chargePoint: String) async throws(StoreError) -> [QueueKey] { try await base.nonEmptyQueues(chargePoint: chargePoint) }
    func saveSnapshot(_ snapshot: SessionSnapshot, chargePoint: String) async throws(StoreError) {
        try check(); try await base.saveSnapshot(snapshot, chargePoint: chargePoint)
    }
    func snapshot(chargePoint: String) async throws(StoreError) -> SessionSnapshot? { try await base.snapshot(chargePoint: chargePoint) }
    func removeSnapshot(chargePoint: String) async throws(StoreError) { try await base.removeSnapshot(chargePoint: chargePoint) }
    func close() async throws(StoreError) { try await base.close() }
}

/// A gate a store call waits at until the test opens it; it counts who is waiting.
final class Gate: Sendable {
    private let state = NIOLockedValueBox<(open: Bool, waiting: Int, waiters: [CheckedContinuation<Void, Never>])>((false, 0, []))

    /// Waits until the gate is open.
    func pass() async {
        await withCheckedContinuation { continuation in
            let passNow = state.withLockedValue { state -> Bool in
                state.waiting += 1
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if passNow { continuation.resume() }
        }
    }

    /// How many calls have reached the gate so far.
    var arrivals: Int { state.withLockedValue { $0.waiting } }

    /// Opens the gate: who waits goes on, and later calls pass.
    func open() {
        let waiters = state.withLockedValue { state in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits (up to `timeout` seconds) until `count` calls have reached the gate.
    func waitForArrivals(_ count: Int, timeout: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while arrivals < count, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    }
}
