import OCPP
import Runtime

/// Copies that wait for their backend's own transaction id, when there is no durable queue.
///
/// A backend that lags behind the responder may not have answered its copy of a StartTransaction
/// when the charge point's next MeterValues or StopTransaction for that transaction arrives. Sent
/// at once, the MeterValues would lose its `transactionId` and the StopTransaction (which needs
/// one) could not be sent at all. Instead the copy waits, as an open leg of the charge point's
/// call, until the backend answers its StartTransaction copy (then it goes with the backend's
/// id) or cannot any more (an error, no answer in time, the link lost: then as before). With a
/// durable queue the link does this (``pendingTransactionIdKey``).
extension ChargePointSession {
    /// Whether `backend`'s copy of the StartTransaction that became the charge point's
    /// `chargePointTransactionId` is sent or held and not yet answered.
    func startCopyPending(_ chargePointTransactionId: Int, backend: Int) -> Bool {
        func isThatStart(_ token: Int) -> Bool { calls[token]?.start?.chargePointTransactionId == chargePointTransactionId }
        for leg in legs.values where leg.backend == backend && leg.action == "StartTransaction" {
            if case .call(let token) = leg.kind, isThatStart(token) { return true }
        }
        return links[backend].held.contains { $0.action == "StartTransaction" && isThatStart($0.token) }
    }

    /// Whether `backend`'s copy of this charge-point call must wait for its own transaction id.
    func awaitsTransactionId(action: String, payload: JSONValue, backend: Int) -> Bool {
        guard !settings.queuesTransactionCopies, action == "MeterValues" || action == "StopTransaction",
            links[backend].connected, let id = payload["transactionId"]?.intValue, let transaction = transactions.open[id],
            transaction.backendIds[backend] == nil
        else { return false }
        return startCopyPending(id, backend: backend)
    }

    /// `backend` answered (or will never answer) its copy of the StartTransaction that became
    /// `chargePointTransactionId`: the copies waiting for its id go now, with `own` if it gave one.
    func releaseAwaitingTransactionId(of backend: Int, chargePointTransactionId: Int, own: Int?,
                                      into effects: inout [SessionEffect]) {
        var ready: [BackendLink.HeldLeg] = []
        links[backend].awaitingTransactionId.removeAll { leg in
            guard leg.payload["transactionId"]?.intValue == chargePointTransactionId else { return false }
            ready.append(leg)
            return true
        }
        for leg in ready {
            guard case .object(var object) = leg.payload else { continue }
            if let own {
                object["transactionId"] = .integer(own)
            } else if leg.action == "MeterValues" {
                object["transactionId"] = nil
            } else {
                effects.append(.ignored(from: .chargePoint, text: "",
                                        reason: "`\(leg.action)` not sent to `\(name(of: backend))`: it has no transaction id of its own"))
                if let call = calls[leg.token] { finishLeg(of: leg.token, call: call) }
                continue
            }
            effects.append(.sendToBackend(backend, openLeg(to: backend, kind: .call(token: leg.token), action: leg.action,
                                                           payload: .object(object))))
        }
    }

    /// The link to `backend` is down: the copies waiting for its id are lost with it.
    func dropAwaitingTransactionIds(of backend: Int, into effects: inout [SessionEffect]) {
        let waiting = links[backend].awaitingTransactionId
        links[backend].awaitingTransactionId = []
        for leg in waiting {
            effects.append(.notDelivered(backend: backend, action: leg.action, payload: leg.payload, reason: "disconnected"))
            loseLeg(of: leg.token, backend: backend, reason: "disconnected before answering", into: &effects)
        }
    }
}
