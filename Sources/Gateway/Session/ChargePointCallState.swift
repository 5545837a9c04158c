/// One leg the gateway opened towards a backend and whose answer it waits for.
struct OutboundLeg {
    enum Kind {
        /// A copy of the charge point's call number `token`.
        case call(token: Int)
        /// The cached BootNotification, replayed by the gateway; its answer is consumed.
        case bootReplay
    }

    var backend: Int
    var kind: Kind
    var action: String
    /// When the gateway stops waiting (seconds since 1970).
    var deadline: Double
    /// Opening order, so expiry reports come in a stable order.
    var sequence: Int
}

/// A charge point's CALL while its legs are open.
struct ChargePointCall {
    /// The charge point's own id, which its one answer carries.
    var messageId: String
    var action: String
    /// The backend that answers; `nil` when the gateway answered.
    var responder: Int?
    var answered: Bool
    /// Legs sent or held and not yet answered.
    var openLegs: Int
    /// For StartTransaction: what the answers are collected into.
    var start: PendingStart?
    /// For StopTransaction: the charge-point-side transaction id it ends.
    var stopTransactionId: Int?
}

/// A StartTransaction whose answers are coming in, in any order.
struct PendingStart {
    var connectorId: Int?
    var owner: Int?
    /// The responder's id, once it answered.
    var chargePointTransactionId: Int?
    /// Copies' ids that arrived before the responder's.
    var earlyCopyIds: [Int: Int] = [:]
}
