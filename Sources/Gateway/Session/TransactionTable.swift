/// The open transactions of one charge point, and each backend's id for them (OCPP 1.6).
///
/// In 1.6 the central system assigns `transactionId`. The charge point knows the responder's id
/// (the charge-point-side id); every other backend that got a copy of StartTransaction assigned
/// its own. The table translates between them so that each backend only sees its own ids.
struct TransactionTable {
    /// One open transaction.
    struct Transaction {
        /// The id the charge point uses.
        var chargePointId: Int
        var connectorId: Int?
        /// The owner backend (the route decision's owner when it started).
        var owner: Int?
        /// Each backend's id for it, the responder's included.
        var backendIds: [Int: Int]
    }

    private(set) var open: [Int: Transaction] = [:]

    /// Opens a transaction (replacing one the charge point already had with that id).
    mutating func open(_ transaction: Transaction) { open[transaction.chargePointId] = transaction }

    /// Records `backend`'s own id for an open transaction.
    mutating func record(backendId: Int, backend: Int, chargePointId: Int) {
        open[chargePointId]?.backendIds[backend] = backendId
    }

    /// Closes a transaction.
    mutating func close(chargePointId: Int) { open[chargePointId] = nil }

    /// The open transaction on `connectorId`, if any.
    func transaction(onConnector connectorId: Int) -> Transaction? {
        open.values.first { $0.connectorId == connectorId }
    }

    /// The charge-point-side id of what `backend` calls `backendId`.
    func chargePointId(forBackendId backendId: Int, backend: Int) -> Int? {
        open.values.first { $0.backendIds[backend] == backendId }?.chargePointId
    }
}
