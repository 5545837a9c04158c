import OCPP
import Runtime

/// OCPP 1.6 transaction ids: each backend sees its own, and a transaction keeps its owner.
extension ChargePointSession {
    /// The key a queued MeterValues or StopTransaction carries when its backend had no id of its
    /// own for the transaction yet (its StartTransaction was queued too): the charge point's id,
    /// which the link turns into the backend's id, and removes, when it delivers the message.
    public static let pendingTransactionIdKey = "_chargemuxChargePointTransactionId"

    /// The actions a backend's durable queue keeps while it is absent; while a queue is being
    /// delivered (``setQueueing(_:_:)``), only these wait behind it.
    public static let durablyQueuedActions: Set<String> = ["StartTransaction", "MeterValues", "StopTransaction"]

    /// Whether backend `backend`'s durable queue holds messages to deliver first; while it does,
    /// new calls for it come back as `.notDelivered` instead of being sent.
    public func setQueueing(_ backend: Int, _ queueing: Bool) {
        guard links.indices.contains(backend) else { return }
        links[backend].queueing = queueing
    }

    /// Whether the backend is connected and past its BootNotification replay (or has none to
    /// get), so queued messages may be delivered to it now.
    public func isReadyForQueued(_ backend: Int) -> Bool {
        guard links.indices.contains(backend), links[backend].connected else { return false }
        switch links[backend].registration {
        case .accepted, .unknown: return true
        default: return false
        }
    }

    /// Gives the open leg `fresh` the id `stored` instead: a StartTransaction sent again after a
    /// restart goes out with the message id of its first attempt, so a backend that recognises
    /// retransmissions answers it once. `false` (nothing changed) when `stored` is in use.
    public func renameLeg(_ fresh: String, to stored: String) -> Bool {
        guard fresh != stored, legs[stored] == nil, let leg = legs.removeValue(forKey: fresh) else { return false }
        legs[stored] = leg
        ids.skip(past: stored)
        return true
    }

    /// Forgets the charge point's call `messageId` as if it never came: its legs (open or held)
    /// are dropped, so no copy goes out later and no answer reaches the charge point. For a call
    /// whose effects the link did not carry out (the store refused it, or it was a replay).
    public func abandonCall(messageId: String) {
        for (token, call) in calls where call.messageId == messageId {
            calls[token] = nil
            legs = legs.filter { _, leg in
                if case .call(let other) = leg.kind { return other != token }
                return true
            }
            for index in links.indices {
                links[index].held.removeAll { $0.token == token }
                links[index].awaitingTransactionId.removeAll { $0.token == token }
            }
        }
    }

    /// Records `backend`'s own id for the charge point's transaction `chargePointTransactionId`,
    /// learnt when a queued StartTransaction was delivered late.
    public func recordLateBackendId(_ id: Int, backend: Int, chargePointTransactionId: Int) {
        guard links.indices.contains(backend) else { return }
        transactions.record(backendId: id, backend: backend, chargePointId: chargePointTransactionId)
    }

    /// Records `backend`'s own id `id` for the transaction the charge point's StartTransaction
    /// `messageId` opens, learnt from its queued copy: with the transaction's other ids if the
    /// responder has answered, else kept with the call's early copy ids until it does. `false`
    /// when no such call is open.
    @discardableResult
    public func recordCopyTransactionId(_ id: Int, backend: Int, startMessageId messageId: String) -> Bool {
        guard links.indices.contains(backend),
            let token = calls.first(where: { $0.value.messageId == messageId && $0.value.start != nil })?.key
        else { return false }
        if let chargePointId = calls[token]?.start?.chargePointTransactionId {
            transactions.record(backendId: id, backend: backend, chargePointId: chargePointId)
        } else {
            calls[token]?.start?.earlyCopyIds[backend] = id
        }
        return true
    }

    /// `backend`'s own id for the open transaction the charge point calls `chargePointTransactionId`, if known.
    public func backendTransactionId(_ chargePointTransactionId: Int, backend: Int) -> Int? {
        transactions.open[chargePointTransactionId]?.backendIds[backend]
    }

    /// The owner backend's name of the transaction a charge-point call belongs to: MeterValues and
    /// StopTransaction by `transactionId`, StatusNotification by `connectorId` while a transaction
    /// is open there. The policy then routes by it even when the message has no idTag.
    func transactionOwner(ofChargePointCall action: String, payload: JSONValue) -> String? {
        let transaction: TransactionTable.Transaction?
        switch action {
        case "MeterValues", "StopTransaction":
            transaction = payload["transactionId"]?.intValue.flatMap { transactions.open[$0] }
        case "StatusNotification":
            transaction = payload["connectorId"]?.intValue.flatMap { transactions.transaction(onConnector: $0) }
        default:
            transaction = nil
        }
        return transaction?.owner.map(name(of:))
    }

    /// Whether the copies of a charge point's `action` may get another transaction id per backend.
    static func translatesTransactionIds(ofChargePointCall action: String) -> Bool {
        action == "MeterValues" || action == "StopTransaction"
    }

    /// The charge point's payload with `transactionId` turned into `backend`'s own id.
    ///
    /// Returns the payload unchanged when the transaction is unknown (say, it began before this
    /// session). For a known transaction `backend` has no id for, MeterValues loses its optional
    /// `transactionId` and StopTransaction (where it is required) is not sent: `nil`.
    func translateTransactionId(ofChargePointCall action: String, payload: JSONValue, for backend: Int) -> JSONValue? {
        guard Self.translatesTransactionIds(ofChargePointCall: action),
            let id = payload["transactionId"]?.intValue, let transaction = transactions.open[id],
            case .object(var object) = payload
        else { return payload }
        if let own = transaction.backendIds[backend] {
            object["transactionId"] = .integer(own)
        } else if !links[backend].connected || links[backend].queueing || settings.queuesTransactionCopies {
            // Headed for the backend's durable queue, behind its StartTransaction: the link puts
            // in the backend's own id when it delivers it (``pendingTransactionIdKey``).
            object[Self.pendingTransactionIdKey] = .integer(id)
        } else if action == "MeterValues" {
            object["transactionId"] = nil
        } else {
            return nil
        }
        return .object(object)
    }

    /// A backend's call with its own transaction id turned into the charge point's
    /// (RemoteStopTransaction `transactionId`, SetChargingProfile `csChargingProfiles.transactionId`),
    /// and the owner's name of that transaction.
    func translateTransactionId(ofBackendCall action: String, payload: JSONValue, from backend: Int)
        -> (payload: JSONValue, owner: String?)
    {
        func translated(_ value: JSONValue?) -> (JSONValue, String?)? {
            guard let own = value?.intValue, let id = transactions.chargePointId(forBackendId: own, backend: backend) else {
                return nil
            }
            return (.integer(id), transactions.open[id]?.owner.map(name(of:)))
        }
        switch action {
        case "RemoteStopTransaction":
            guard case .object(var object) = payload, let (id, owner) = translated(payload["transactionId"]) else {
                return (payload, nil)
            }
            object["transactionId"] = id
            return (.object(object), owner)
        case "SetChargingProfile":
            guard case .object(var object) = payload, case .object(var profile)? = payload["csChargingProfiles"],
                let (id, owner) = translated(profile["transactionId"])
            else { return (payload, nil) }
            profile["transactionId"] = id
            object["csChargingProfiles"] = .object(profile)
            return (.object(object), owner)
        default:
            return (payload, nil)
        }
    }

    /// Collects a StartTransaction answer: the responder's id becomes the charge point's, copies'
    /// ids are recorded against it whether they arrive before or after the responder's.
    func startAnswered(by backend: Int, _ frame: OCPPFrame, call: inout ChargePointCall, into effects: inout [SessionEffect]) {
        guard var start = call.start, case .callResult(_, let payload) = frame,
            let assigned = payload["transactionId"]?.intValue
        else { return }
        if backend == call.responder, start.chargePointTransactionId == nil {
            start.chargePointTransactionId = assigned
            if let clash = transactions.open[assigned] {
                // Two backends chose the same id for different transactions: the charge point now
                // has two transactions with one id. The newer wins the table; say so loudly.
                effects.append(.ignored(from: .backend(backend), text: "",
                                        reason: "transaction id \(assigned) from `\(name(of: backend))` replaces the open transaction "
                                            + "on connector \(clash.connectorId.map(String.init) ?? "?") with the same id"))
            }
            var ids = start.earlyCopyIds
            ids[backend] = assigned
            transactions.open(TransactionTable.Transaction(chargePointId: assigned, connectorId: start.connectorId,
                                                            owner: start.owner, backendIds: ids))
        } else if let chargePointId = start.chargePointTransactionId {
            transactions.record(backendId: assigned, backend: backend, chargePointId: chargePointId)
        } else {
            start.earlyCopyIds[backend] = assigned
        }
        call.start = start
    }
}
