import Foundation
import OCPP

/// A StartTransaction to record.
public struct TransactionStart: Sendable, Equatable {
    /// The charge point's identity.
    public var chargePoint: String
    /// The connector it runs on.
    public var connectorId: Int
    /// The idTag's keyed pseudonym (the raw idTag only where the operator configured that).
    public var idTag: String
    /// The charge point's `timestamp`: with the charge point, connector and idTag, the key that
    /// recognises a replayed StartTransaction. Kept to the millisecond.
    public var startedAt: Date
    /// `meterStart`, in Wh.
    public var meterStart: Int
    /// The owner backend's name (who bills it), if any.
    public var owner: String?
    /// The charge point's id for it, if already known.
    public var chargePointTransactionId: Int?
    /// Backends' own ids, if already known, by backend name.
    public var backendIds: [String: Int]
    /// The gateway's message id on the leg to the responder (the backend that answers it): a
    /// retry after a restart goes out with the same id, so a backend that recognises
    /// retransmissions by message id does not open the transaction twice.
    public var responderMessageId: String?

    /// A start to record.
    public init(chargePoint: String, connectorId: Int, idTag: String, startedAt: Date, meterStart: Int,
                owner: String? = nil, chargePointTransactionId: Int? = nil, backendIds: [String: Int] = [:],
                responderMessageId: String? = nil) {
        self.chargePoint = chargePoint
        self.connectorId = connectorId
        self.idTag = idTag
        self.startedAt = startedAt
        self.meterStart = meterStart
        self.owner = owner
        self.chargePointTransactionId = chargePointTransactionId
        self.backendIds = backendIds
        self.responderMessageId = responderMessageId
    }
}

/// A StopTransaction to record.
public struct TransactionStop: Sendable, Equatable {
    /// The charge point's identity.
    public var chargePoint: String
    /// The charge point's `transactionId`.
    public var chargePointTransactionId: Int
    /// The charge point's `timestamp`.
    public var stoppedAt: Date
    /// `meterStop`, in Wh.
    public var meterStop: Int
    /// `reason`, if given (OCPP's default is `Local`).
    public var reason: String?

    /// A stop to record.
    public init(chargePoint: String, chargePointTransactionId: Int, stoppedAt: Date, meterStop: Int, reason: String? = nil) {
        self.chargePoint = chargePoint
        self.chargePointTransactionId = chargePointTransactionId
        self.stoppedAt = stoppedAt
        self.meterStop = meterStop
        self.reason = reason
    }
}

/// A stored transaction.
public struct TransactionRecord: Sendable, Equatable {
    /// The store's id for it.
    public var id: Int64
    public var chargePoint: String
    public var connectorId: Int
    /// The idTag's pseudonym as recorded.
    public var idTag: String
    public var owner: String?
    public var chargePointTransactionId: Int?
    /// Each backend's own id, by backend name.
    public var backendIds: [String: Int]
    public var startedAt: Date
    public var meterStart: Int
    public var stoppedAt: Date?
    public var meterStop: Int?
    public var stopReason: String?
    /// The gateway's message id on the StartTransaction's leg to its responder, if recorded.
    public var responderMessageId: String?

    /// Whether no stop is recorded.
    public var isOpen: Bool { stoppedAt == nil }

    /// The energy charged in kWh (meters count Wh), once stopped.
    public var energyKWh: Double? { meterStop.map { Double($0 - meterStart) / 1000 } }

    public init(id: Int64, chargePoint: String, connectorId: Int, idTag: String, owner: String?,
                chargePointTransactionId: Int?, backendIds: [String: Int], startedAt: Date, meterStart: Int,
                stoppedAt: Date?, meterStop: Int?, stopReason: String?, responderMessageId: String? = nil) {
        self.id = id
        self.chargePoint = chargePoint
        self.connectorId = connectorId
        self.idTag = idTag
        self.owner = owner
        self.chargePointTransactionId = chargePointTransactionId
        self.backendIds = backendIds
        self.startedAt = startedAt
        self.meterStart = meterStart
        self.stoppedAt = stoppedAt
        self.meterStop = meterStop
        self.stopReason = stopReason
        self.responderMessageId = responderMessageId
    }
}

/// What ``GatewayStore/recordStart(_:enqueue:)`` did.
public struct StartOutcome: Sendable, Equatable {
    /// The stored record: the new one, or for a replay the one recorded first.
    public var record: TransactionRecord
    /// Whether this start was a replay of a recorded one (nothing was opened or queued).
    public var isReplay: Bool
    /// The queue entries appended, in the order of the drafts (empty for a replay).
    public var appended: [AppendOutcome]

    public init(record: TransactionRecord, isReplay: Bool, appended: [AppendOutcome]) {
        self.record = record
        self.isReplay = isReplay
        self.appended = appended
    }
}

/// What ``GatewayStore/recordStop(_:enqueue:)`` did.
public struct StopOutcome: Sendable, Equatable {
    /// The stopped record; `nil` when the store knew no open or stopped transaction with that id.
    public var record: TransactionRecord?
    /// Whether the transaction was already stopped (nothing was changed or queued).
    public var isReplay: Bool
    /// The queue entries appended, in the order of the drafts.
    public var appended: [AppendOutcome]

    public init(record: TransactionRecord?, isReplay: Bool, appended: [AppendOutcome]) {
        self.record = record
        self.isReplay = isReplay
        self.appended = appended
    }
}

/// Which transaction records to list.
public struct TransactionQuery: Sendable, Equatable {
    /// Only transactions charging at or after this time: stopped at or after it, or still open.
    public var since: Date?
    /// Only this charge point's.
    public var chargePoint: String?
    /// Only open (`true`) or only stopped (`false`) ones.
    public var open: Bool?

    public init(since: Date? = nil, chargePoint: String? = nil, open: Bool? = nil) {
        self.since = since
        self.chargePoint = chargePoint
        self.open = open
    }
}

/// A stored charge-point message (BootNotification, StatusNotification).
public struct StoredMessage: Sendable, Equatable {
    public var payload: JSONValue
    /// When the gateway received it.
    public var receivedAt: Date

    public init(payload: JSONValue, receivedAt: Date) {
        self.payload = payload
        self.receivedAt = receivedAt
    }
}
