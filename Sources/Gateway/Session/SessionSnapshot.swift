import OCPP
import Runtime

/// What a session knows that must outlive one connection: the open transactions with every
/// backend's id for them, and the last BootNotification.
///
/// Charge points reconnect in the middle of transactions; a new session restored from the old
/// one's snapshot keeps translating transaction ids and routing to owners. Backends are named,
/// not numbered, so a snapshot survives a policy reload that keeps the names. The store will
/// keep these durably; today the transport can hand one from session to session.
public struct SessionSnapshot: Sendable, Equatable {
    /// One open transaction.
    public struct Transaction: Sendable, Equatable {
        /// The id the charge point uses (the responder's).
        public var chargePointTransactionId: Int
        /// The connector it runs on, if known.
        public var connectorId: Int?
        /// The owner backend's name, if any.
        public var owner: String?
        /// Each backend's own id for it, by backend name.
        public var backendIds: [String: Int]

        /// Creates a transaction entry.
        public init(chargePointTransactionId: Int, connectorId: Int?, owner: String?, backendIds: [String: Int]) {
            self.chargePointTransactionId = chargePointTransactionId
            self.connectorId = connectorId
            self.owner = owner
            self.backendIds = backendIds
        }
    }

    /// The open transactions, by charge-point-side id.
    public var transactions: [Transaction]
    /// The payload of the charge point's last BootNotification, if it sent one.
    public var bootNotification: JSONValue?
    /// The latest StatusNotification of each connector that an absent backend missed (its own
    /// redacted copy), by backend name and connector: sent to it when it is back, even after a
    /// restart. The session leaves it empty; the gateway's link fills it in.
    public var missedStatus: [String: [Int: JSONValue]]

    /// Creates a snapshot.
    public init(transactions: [Transaction] = [], bootNotification: JSONValue? = nil,
                missedStatus: [String: [Int: JSONValue]] = [:]) {
        self.transactions = transactions
        self.bootNotification = bootNotification
        self.missedStatus = missedStatus
    }
}

extension ChargePointSession {
    /// The session's open transactions and last BootNotification.
    public var snapshot: SessionSnapshot {
        let open = transactions.open.values.sorted { $0.chargePointId < $1.chargePointId }.map { transaction in
            SessionSnapshot.Transaction(
                chargePointTransactionId: transaction.chargePointId, connectorId: transaction.connectorId,
                owner: transaction.owner.map(name(of:)),
                backendIds: Dictionary(uniqueKeysWithValues: transaction.backendIds.map { (name(of: $0.key), $0.value) }))
        }
        return SessionSnapshot(transactions: open, bootNotification: boot?.payload)
    }

    /// Takes over what an earlier session of this charge point knew. Call it before any input.
    /// Backend names the policy does not have are left out; the boot's targets are routed anew.
    public func restore(_ snapshot: SessionSnapshot) {
        for entry in snapshot.transactions {
            var ids: [Int: Int] = [:]
            for (backend, id) in entry.backendIds {
                if let index = compiled.backendIndex(backend) { ids[index] = id }
            }
            transactions.open(TransactionTable.Transaction(chargePointId: entry.chargePointTransactionId,
                                                            connectorId: entry.connectorId,
                                                            owner: entry.owner.flatMap(compiled.backendIndex), backendIds: ids))
        }
        if let payload = snapshot.bootNotification {
            let decision = policy.route(action: "BootNotification", payload: payload, now: now)
            boot = CachedBoot(payload: payload, targets: decision.targets)
        }
    }
}
