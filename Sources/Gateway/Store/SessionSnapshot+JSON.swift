import OCPP

extension SessionSnapshot {
    /// The snapshot as JSON, for stores: `{"transactions": [...], "bootNotification": {...}}`.
    var jsonValue: JSONValue {
        var object = JSONObject()
        object["transactions"] = .array(transactions.map { transaction in
            var entry = JSONObject()
            entry["chargePointTransactionId"] = .integer(transaction.chargePointTransactionId)
            if let connector = transaction.connectorId { entry["connectorId"] = .integer(connector) }
            if let owner = transaction.owner { entry["owner"] = .string(owner) }
            var ids = JSONObject()
            for (backend, id) in transaction.backendIds.sorted(by: { $0.key < $1.key }) { ids[backend] = .integer(id) }
            entry["backendIds"] = .object(ids)
            return .object(entry)
        })
        if let boot = bootNotification { object["bootNotification"] = boot }
        if !missedStatus.isEmpty {
            var missed = JSONObject()
            for (backend, connectors) in missedStatus.sorted(by: { $0.key < $1.key }) {
                missed[backend] = .array(connectors.sorted { $0.key < $1.key }.map(\.value))
            }
            object["missedStatus"] = .object(missed)
        }
        return .object(object)
    }

    /// The snapshot that ``jsonValue`` wrote, or `nil` for JSON of another shape.
    init?(json: JSONValue) {
        guard let entries = json["transactions"]?.arrayValue else { return nil }
        var transactions: [Transaction] = []
        for entry in entries {
            guard let id = entry["chargePointTransactionId"]?.intValue else { return nil }
            var backendIds: [String: Int] = [:]
            for (backend, value) in entry["backendIds"]?.objectValue?.members ?? [] {
                guard let own = value.intValue else { return nil }
                backendIds[backend] = own
            }
            transactions.append(Transaction(chargePointTransactionId: id, connectorId: entry["connectorId"]?.intValue,
                                            owner: entry["owner"]?.stringValue, backendIds: backendIds))
        }
        var missedStatus: [String: [Int: JSONValue]] = [:]
        for (backend, payloads) in json["missedStatus"]?.objectValue?.members ?? [] {
            for payload in payloads.arrayValue ?? [] {
                missedStatus[backend, default: [:]][payload["connectorId"]?.intValue ?? 0] = payload
            }
        }
        self.init(transactions: transactions, bootNotification: json["bootNotification"], missedStatus: missedStatus)
    }
}
