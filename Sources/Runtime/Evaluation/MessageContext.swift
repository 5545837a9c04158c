import Foundation
import OCPP

/// What the gateway knows about a message beyond its payload.
public struct MessageContext: Sendable {
    /// The charge point's identity, from its connection.
    public var chargePoint: String
    /// The owner backend of the transaction the message belongs to, when the gateway's state knows
    /// it (MeterValues, StopTransaction, a connector's StatusNotification, a RemoteStop's id). It
    /// takes precedence over the owner rules, so a transaction stays with the owner it started with.
    public var transactionOwner: String?
    /// When the message arrived, in seconds since 1970, for `now` conditions.
    public var now: Double

    public init(chargePoint: String, transactionOwner: String? = nil, now: Double = Date().timeIntervalSince1970) {
        self.chargePoint = chargePoint
        self.transactionOwner = transactionOwner
        self.now = now
    }
}

/// The values tests read, gathered once per message.
struct EvaluationInput {
    let chargePoint: String
    let payload: JSONValue
    let idTag: String?
    let connectorId: Int?
    let now: Double
    /// The owner backend's name, once known.
    var owner: String?
}
