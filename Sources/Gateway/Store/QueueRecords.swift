import Foundation
import OCPP

/// One durable outbound queue: a charge point's messages for one backend.
public struct QueueKey: Sendable, Hashable, CustomStringConvertible {
    public var chargePoint: String
    /// The backend's name.
    public var backend: String

    public init(chargePoint: String, backend: String) {
        self.chargePoint = chargePoint
        self.backend = backend
    }

    /// `CP-1 → billing`.
    public var description: String { "\(chargePoint) → \(backend)" }
}

/// How much a backend's queues may hold; what goes over is dropped, oldest first, and counted.
public struct QueueLimits: Sendable, Equatable {
    /// The most entries one queue keeps; `nil` for no limit.
    public var maxLength: Int?
    /// The oldest an entry may get, in seconds; `nil` for no limit.
    public var maxAge: TimeInterval?

    public init(maxLength: Int? = nil, maxAge: TimeInterval? = nil) {
        self.maxLength = maxLength
        self.maxAge = maxAge
    }

    /// No limits.
    public static let unlimited = QueueLimits()
}

/// A message to queue for a backend.
public struct OutboundDraft: Sendable, Equatable {
    public var queue: QueueKey
    /// The OCPP action, e.g. `StartTransaction`.
    public var action: String
    /// The payload as the backend must get it (redacted, its own transaction ids).
    public var payload: JSONValue
    /// When it was queued; the age limit counts from here.
    public var enqueuedAt: Date
    /// The gateway's message id for the CALL; every resend uses it, so the backend can tell a
    /// resend from a new message. `nil` lets the store make one (a UUID, 36 characters).
    /// Appending an id that is already queued returns that entry instead of a second copy.
    public var messageId: String?

    public init(queue: QueueKey, action: String, payload: JSONValue, enqueuedAt: Date, messageId: String? = nil) {
        self.queue = queue
        self.action = action
        self.payload = payload
        self.enqueuedAt = enqueuedAt
        self.messageId = messageId
    }
}

/// A queued message.
public struct QueuedMessage: Sendable, Equatable {
    /// Its sequence number: grows with every append (over all queues), never reused.
    public var sequence: Int64
    public var queue: QueueKey
    /// The gateway's message id for the CALL.
    public var messageId: String
    public var action: String
    public var payload: JSONValue
    public var enqueuedAt: Date
    /// The transaction record it belongs to, if it was queued with a start or stop.
    public var transactionRecord: Int64?

    public init(sequence: Int64, queue: QueueKey, messageId: String, action: String, payload: JSONValue,
                enqueuedAt: Date, transactionRecord: Int64?) {
        self.sequence = sequence
        self.queue = queue
        self.messageId = messageId
        self.action = action
        self.payload = payload
        self.enqueuedAt = enqueuedAt
        self.transactionRecord = transactionRecord
    }
}

/// What an append did.
public struct AppendOutcome: Sendable, Equatable {
    /// The entry's sequence number.
    public var sequence: Int64
    /// The entry's gateway message id.
    public var messageId: String
    /// Whether the message id was already queued, so nothing was appended.
    public var duplicate: Bool
    /// What the queue's limits dropped to make room (log it: never silent).
    public var dropped: [QueueDrop]

    public init(sequence: Int64, messageId: String, duplicate: Bool, dropped: [QueueDrop]) {
        self.sequence = sequence
        self.messageId = messageId
        self.duplicate = duplicate
        self.dropped = dropped
    }
}

/// Entries a queue limit dropped.
public struct QueueDrop: Sendable, Equatable {
    /// Which limit.
    public enum Reason: String, Sendable, Equatable {
        /// The queue held more than its backend's `maxLength`.
        case length
        /// The entries were older than their backend's `maxAge`.
        case age
    }

    /// One dropped entry.
    public struct Entry: Sendable, Equatable {
        public var sequence: Int64
        public var messageId: String
        public var action: String

        public init(sequence: Int64, messageId: String, action: String) {
            self.sequence = sequence
            self.messageId = messageId
            self.action = action
        }
    }

    public var queue: QueueKey
    public var reason: Reason
    /// The dropped entries, oldest first.
    public var entries: [Entry]

    public init(queue: QueueKey, reason: Reason, entries: [Entry]) {
        self.queue = queue
        self.reason = reason
        self.entries = entries
    }
}

/// A queue's state.
public struct QueueStatistics: Sendable, Equatable {
    /// Entries waiting.
    public var length: Int
    /// When the oldest waiting entry was queued.
    public var oldestEnqueuedAt: Date?
    /// Entries ever dropped by the length limit.
    public var droppedByLength: Int
    /// Entries ever dropped by the age limit.
    public var droppedByAge: Int

    public init(length: Int, oldestEnqueuedAt: Date?, droppedByLength: Int, droppedByAge: Int) {
        self.length = length
        self.oldestEnqueuedAt = oldestEnqueuedAt
        self.droppedByLength = droppedByLength
        self.droppedByAge = droppedByAge
    }
}
