import OCPP

/// Remembers which backend owns each transaction, as the gateway does, so a replayed MeterValues,
/// StopTransaction or RemoteStopTransaction goes to (or is checked against) the owner its
/// transaction started with.
struct TransactionOwners: Sendable {
    /// Per charge point, per transaction id.
    private var owners: [String: [String: String]] = [:]
    /// Charge-point calls awaiting their answer, per charge point and message id: the owner the
    /// call was routed with.
    private var pending: [String: [String: String]] = [:]

    /// The owner of the transaction a payload names, if known.
    func owner(of payload: JSONValue, chargePoint: String) -> String? {
        Self.transactionId(in: payload).flatMap { owners[chargePoint]?[$0] }
    }

    /// Notes a routed charge-point call: a 2.0.1 TransactionEvent names its transaction itself; a
    /// 1.6 StartTransaction learns it from the answer.
    mutating func noteCall(id: String, payload: JSONValue, owner: String?, chargePoint: String) {
        guard let owner else { return }
        if let transaction = Self.transactionId(in: payload) {
            if owners[chargePoint]?[transaction] == nil { owners[chargePoint, default: [:]][transaction] = owner }
        } else {
            pending[chargePoint, default: [:]][id] = owner
        }
    }

    /// Notes the answer to a charge-point call; returns whether an awaited call was answered.
    @discardableResult
    mutating func noteAnswer(id: String, payload: JSONValue, chargePoint: String) -> Bool {
        guard let owner = pending[chargePoint]?.removeValue(forKey: id) else { return false }
        if let transaction = Self.transactionId(in: payload) { owners[chargePoint, default: [:]][transaction] = owner }
        return true
    }

    /// `transactionId` (1.6) or `transactionInfo.transactionId` (2.0.1), as text.
    static func transactionId(in payload: JSONValue) -> String? {
        let value = payload["transactionId"] ?? payload["transactionInfo"]?["transactionId"]
        switch value {
        case .number(let text)?: return text
        case .string(let text)?: return text
        default: return nil
        }
    }
}
