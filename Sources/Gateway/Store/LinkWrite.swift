import Foundation
import OCPP

/// Everything one charge-point message asks the store to keep before the gateway acts on it,
/// written in one commit (``GatewayStore/commit(_:completion:)``).
public struct LinkWrite: Sendable {
    /// The transaction record a StartTransaction or StopTransaction opens or closes.
    public enum Transaction: Sendable {
        case start(TransactionStart)
        case stop(TransactionStop)
    }

    /// A responder's answer to a recorded start: the id the charge point got for the record.
    public struct AnsweredStart: Sendable {
        public var record: Int64
        public var chargePointTransactionId: Int

        public init(record: Int64, chargePointTransactionId: Int) {
            self.record = record
            self.chargePointTransactionId = chargePointTransactionId
        }
    }

    public var transaction: Transaction?
    /// Copies for backends' durable queues; they belong to the transaction's record.
    public var enqueue: [OutboundDraft]
    /// A start the gateway answered itself (its owner absent): the provisional id it gave.
    public var provisionalTransactionId: Int?
    public var answeredStart: AnsweredStart?
    /// The charge point's session snapshot, when it changed.
    public var snapshot: SessionSnapshot?
    /// The charge point the snapshot belongs to.
    public var chargePoint: String

    public init(chargePoint: String, transaction: Transaction? = nil, enqueue: [OutboundDraft] = [],
                provisionalTransactionId: Int? = nil, answeredStart: AnsweredStart? = nil, snapshot: SessionSnapshot? = nil) {
        self.chargePoint = chargePoint
        self.transaction = transaction
        self.enqueue = enqueue
        self.provisionalTransactionId = provisionalTransactionId
        self.answeredStart = answeredStart
        self.snapshot = snapshot
    }
}

/// What a ``LinkWrite`` did.
public struct LinkWriteOutcome: Sendable {
    /// A replayed start: the record of its first attempt (nothing was opened, queued or snapshot).
    public var replay: TransactionRecord?
    /// A new start's record, awaiting the responder's transaction id (`nil` for a provisional one).
    public var awaitingAnswer: Int64?
    /// The appends of ``LinkWrite/enqueue``, in order.
    public var appended: [AppendOutcome]
    /// The transaction record the appended entries belong to.
    public var transactionRecord: Int64?

    public init(replay: TransactionRecord? = nil, awaitingAnswer: Int64? = nil, appended: [AppendOutcome] = [],
                transactionRecord: Int64? = nil) {
        self.replay = replay
        self.awaitingAnswer = awaitingAnswer
        self.appended = appended
        self.transactionRecord = transactionRecord
    }
}
