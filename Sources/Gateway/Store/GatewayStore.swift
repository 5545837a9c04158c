import Foundation
import OCPP

/// What the gateway keeps durably: transaction records with each backend's transaction id, the
/// last BootNotification and StatusNotifications of each charge point, a durable outbound queue
/// per (charge point, backend), and session snapshots.
///
/// The contract is the same for every implementation (the embedded ``SQLiteGatewayStore`` today;
/// a PostgreSQL one shared by several gateway instances fits behind it unchanged):
/// - a method that returns has made its writes durable (committed); one that throws wrote nothing
///   of that call. Only then may the gateway acknowledge to the charge point;
/// - every failure is a ``StoreError``; one whose ``StoreError/refusesNewTransactions`` is `true`
///   means new transactions must be refused;
/// - sequence numbers grow and are never reused, so an acknowledged sequence stays acknowledged;
/// - backends are named, not numbered (a policy reload may renumber them).
///
/// Charge-point payloads stored here are what the gateway sends onward, after redaction; idTags
/// are stored as the gateway's keyed pseudonym unless configured otherwise.
public protocol GatewayStore: Sendable {
    // MARK: Transactions

    /// Records a StartTransaction and, in the same commit, queues `enqueue` for backends that
    /// must get it later.
    ///
    /// A replay (same charge point, connector, idTag and timestamp as a stored start) opens
    /// nothing and queues nothing: the outcome carries the stored record, so the gateway answers
    /// with the transaction id it already has and no backend sees the transaction twice.
    func recordStart(_ start: TransactionStart, enqueue: [OutboundDraft]) async throws(StoreError) -> StartOutcome

    /// Records the charge point's id for a started transaction (the responder's answer).
    func recordChargePointTransactionId(_ id: Int, record: Int64) async throws(StoreError)

    /// Records `backend`'s own id for a started transaction.
    func recordBackendTransactionId(_ id: Int, backend: String, record: Int64) async throws(StoreError)

    /// Records a StopTransaction for the charge point's open transaction with that id and, in the
    /// same commit, queues `enqueue`. A replay of a stop already recorded queues nothing; a stop
    /// of a transaction the store does not know is queued and reported with no record.
    func recordStop(_ stop: TransactionStop, enqueue: [OutboundDraft]) async throws(StoreError) -> StopOutcome

    /// The transaction record with that id.
    func transaction(record: Int64) async throws(StoreError) -> TransactionRecord?

    /// The charge point's open transaction with charge-point-side id `chargePointTransactionId`.
    func openTransaction(chargePoint: String, chargePointTransactionId: Int) async throws(StoreError) -> TransactionRecord?

    /// Transaction records matching `query`, oldest start first.
    func transactions(_ query: TransactionQuery) async throws(StoreError) -> [TransactionRecord]

    /// `backend`'s own id for the charge point's latest transaction (open or stopped) with
    /// charge-point-side id `chargePointTransactionId`; `nil` if there is no such transaction or
    /// `backend` has no id for it. (What delivering a queued MeterValues or StopTransaction asks.)
    func backendTransactionId(backend: String, chargePoint: String, chargePointTransactionId: Int) async throws(StoreError) -> Int?

    // MARK: Charge point state

    /// Keeps the charge point's last BootNotification payload (replacing the previous one).
    func recordBootNotification(_ payload: JSONValue, chargePoint: String, at time: Date) async throws(StoreError)

    /// The charge point's last BootNotification.
    func bootNotification(chargePoint: String) async throws(StoreError) -> StoredMessage?

    /// Keeps the last StatusNotification payload of a connector (0 is the charge point itself).
    func recordStatusNotification(_ payload: JSONValue, chargePoint: String, connectorId: Int, at time: Date)
        async throws(StoreError)

    /// The last StatusNotification of each connector of the charge point, by connector id.
    func statusNotifications(chargePoint: String) async throws(StoreError) -> [Int: StoredMessage]

    // MARK: Outbound queue

    /// Appends one message to its queue; returns its sequence number and what the queue's limits
    /// dropped to make room. Appending a draft whose message id is already queued returns the
    /// queued entry (`duplicate`) instead of a second copy.
    func append(_ draft: OutboundDraft) async throws(StoreError) -> AppendOutcome

    /// Appends several messages, to any queues, in one commit (group commit): all or none.
    func appendBatch(_ drafts: [OutboundDraft]) async throws(StoreError) -> [AppendOutcome]

    /// The first `limit` entries of a queue, oldest first. Reading removes nothing.
    func peek(_ queue: QueueKey, limit: Int) async throws(StoreError) -> [QueuedMessage]

    /// Removes the entry with `sequence` from the queue (the backend answered it). Returns
    /// `false` when it is not there (already acknowledged or dropped).
    @discardableResult
    func acknowledge(_ queue: QueueKey, sequence: Int64) async throws(StoreError) -> Bool

    /// The queued entry with that gateway message id, if any (to match a backend's answer).
    func queuedMessage(messageId: String) async throws(StoreError) -> QueuedMessage?

    /// Drops entries older than their backend's age limit, in every queue; returns what it dropped.
    func expire(now: Date) async throws(StoreError) -> [QueueDrop]

    /// Length, oldest entry and drop counts of a queue.
    func statistics(_ queue: QueueKey) async throws(StoreError) -> QueueStatistics

    /// The queues of a charge point that hold entries.
    func nonEmptyQueues(chargePoint: String) async throws(StoreError) -> [QueueKey]

    // MARK: Session snapshots

    /// Keeps the charge point's session snapshot, replacing the previous one.
    func saveSnapshot(_ snapshot: SessionSnapshot, chargePoint: String) async throws(StoreError)

    /// The charge point's last snapshot. Reading removes nothing: a crash after reading loses nothing.
    func snapshot(chargePoint: String) async throws(StoreError) -> SessionSnapshot?

    /// Forgets the charge point's snapshot.
    func removeSnapshot(chargePoint: String) async throws(StoreError)

    // MARK: The gateway's path

    /// Keeps what one charge-point message asks for (``LinkWrite``) in one commit and hands the
    /// outcome to `completion`, on any thread, once it is durable; a failure kept nothing of it.
    func commit(_ write: LinkWrite, completion: @escaping @Sendable (Result<LinkWriteOutcome, StoreError>) -> Void)

    /// Removes a delivered entry, as ``acknowledge(_:sequence:)``, and hands the outcome to
    /// `completion`, on any thread.
    func acknowledge(_ queue: QueueKey, sequence: Int64, completion: @escaping @Sendable (Result<Bool, StoreError>) -> Void)

    /// A backend answered its queued StartTransaction `entry` with its own id `backendTransactionId`:
    /// records the id for the entry's transaction record and removes the entry, in one commit,
    /// then hands `completion` the charge point's id for that transaction, if already known.
    func acknowledgeStart(_ entry: QueuedMessage, backendTransactionId: Int,
                          completion: @escaping @Sendable (Result<Int?, StoreError>) -> Void)

    // MARK: Lifetime

    /// Closes the store; later calls fail.
    func close() async throws(StoreError)
}

extension GatewayStore {
    /// Reads every transaction of the charge point; implementations answer it with one lookup.
    public func backendTransactionId(backend: String, chargePoint: String, chargePointTransactionId: Int)
        async throws(StoreError) -> Int?
    {
        let records = try await transactions(TransactionQuery(chargePoint: chargePoint))
        return records.last(where: { $0.chargePointTransactionId == chargePointTransactionId })?.backendIds[backend]
    }

    /// Records a StartTransaction that queues nothing.
    public func recordStart(_ start: TransactionStart) async throws(StoreError) -> StartOutcome {
        try await recordStart(start, enqueue: [])
    }

    /// Records a StopTransaction that queues nothing.
    public func recordStop(_ stop: TransactionStop) async throws(StoreError) -> StopOutcome {
        try await recordStop(stop, enqueue: [])
    }
}
