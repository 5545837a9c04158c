import Foundation
import Logging
import NIOCore
import OCPP
import Runtime

/// Delivering a backend's durable queue, in order, once it is connected and past its boot replay.
extension ChargePointLink {
    /// Starts every delivery that is due and not running. A queue read that finds its queue empty
    /// while a store write is in flight gives up its turn (the write may be appending to it), so
    /// whatever ends a write must call this, or that backend stays queueing for good.
    func resumeDeliveries() {
        for index in queueing.union(pendingDelivery) where drains[index] == nil { startDelivery(to: index) }
    }

    /// Starts delivering backend `index`'s queue if it is ready and not already being delivered.
    func startDelivery(to index: Int) {
        guard context.store != nil, !closed, queueing.contains(index) || pendingDelivery.contains(index), drains[index] == nil,
            mirrored[index] == nil, openCopies[index] == nil, acknowledgementsInFlight[index] == nil,
            session.isReadyForQueued(index),
            connectors[index]?.isConnected == true
        else { return }
        drains[index] = .some(nil)
        deliverNext(to: index)
    }

    /// Reads the queue's first entry and sends it, with its stored message id.
    func deliverNext(to index: Int) {
        guard let store = context.store else { return }
        let key = QueueKey(chargePoint: chargePointId, backend: name(of: index))
        readRaced.remove(index)
        let loop = connection.eventLoop
        let link = NIOLoopBound(WeakLink(self), eventLoop: loop)
        Task {
            let result = await ChargePointLink.firstDeliverable(key, store: store)
            loop.execute { link.value.link?.readQueue(index, result) }
        }
    }

    /// A queued entry ready to send.
    struct Deliverable: Sendable {
        var entry: QueuedMessage
        /// `nil`: not sendable (see ``deliverable(_:store:)``).
        var payload: JSONValue?
    }

    static func firstDeliverable(_ key: QueueKey, store: any GatewayStore) async -> Result<Deliverable?, StoreError> {
        do throws(StoreError) {
            guard let entry = try await store.peek(key, limit: 1).first else { return .success(nil) }
            return .success(Deliverable(entry: entry, payload: try await deliverable(entry, store: store)))
        } catch {
            return .failure(error)
        }
    }

    /// The payload to send for a queued entry: a MeterValues or StopTransaction queued before the
    /// backend had its own transaction id gets it now; `nil` when it still has none (its start
    /// never reached it): a StopTransaction is then not sendable.
    static func deliverable(_ entry: QueuedMessage, store: any GatewayStore) async throws(StoreError) -> JSONValue? {
        guard case .object(var object) = entry.payload, let chargePointId = object[ChargePointSession.pendingTransactionIdKey]?.intValue
        else { return entry.payload }
        object[ChargePointSession.pendingTransactionIdKey] = nil
        if let own = try await store.backendTransactionId(backend: entry.queue.backend, chargePoint: entry.queue.chargePoint,
                                                          chargePointTransactionId: chargePointId) {
            object["transactionId"] = .integer(own)
        } else if entry.action == "MeterValues" {
            object["transactionId"] = nil
        } else {
            return nil
        }
        return .object(object)
    }

    func readQueue(_ index: Int, _ result: Result<Deliverable?, StoreError>) {
        guard !closed, drains[index] != nil else { return }
        switch result {
        case .failure(let error):
            logger.error("cannot read a backend's queue", metadata: ["backend": "\(name(of: index))", "error": "\(error)"])
            drains[index] = nil
        case .success(nil):
            drains[index] = nil
            // A write in flight may be appending to this queue: look again once it committed.
            guard !storeBusy else { return }
            // A write committed while the read ran may have appended after what it saw: read again.
            if readRaced.remove(index) != nil { return startDelivery(to: index) }
            queueing.remove(index)
            pendingDelivery.remove(index)
            session.setQueueing(index, false)
            startMirroring(index)
            sendMissedStatus(to: index)
            firstConnectionSettled(index)
        case .success(let next?):
            let entry = next.entry
            guard let payload = next.payload else {
                logger.warning("queued message dropped: the backend has no transaction id for it", metadata: [
                    "backend": "\(name(of: index))", "action": "\(entry.action)", "messageId": "\(entry.messageId)",
                ])
                acknowledge(entry, index: index, backendTransactionId: nil)
                return
            }
            guard connectors[index]?.send(text: OCPPFrame.call(id: entry.messageId, action: entry.action, payload: payload).serialized) == true
            else {
                drains[index] = nil
                return
            }
            drains[index] = .some(entry)
        }
    }

    /// Sends a returning backend the latest StatusNotification of each connector it missed.
    func sendMissedStatus(to index: Int) {
        guard let missed = missedStatus.removeValue(forKey: index) else { return }
        for (_, payload) in missed.sorted(by: { $0.key < $1.key }) {
            let id = RandomMessageId.make()
            if connectors[index]?.send(text: OCPPFrame.call(id: id, action: "StatusNotification", payload: payload).serialized) == true {
                statusReplays.insert(id)
            } else {
                missedStatus[index, default: [:]][payload["connectorId"]?.intValue ?? 0] = payload
            }
        }
    }

    /// A backend's answer to the queued entry it was sent; `false` for any other text. Read by its
    /// head: only a late StartTransaction's answer (its transaction id) and an error (its code)
    /// are parsed, and only when they are the entry's.
    func deliveredAnswer(from index: Int, text: String) -> Bool {
        guard let head = OCPPFrameHead(text), head.isAnswer else { return false }
        if !statusReplays.isEmpty, statusReplays.remove(String(head.id)) != nil { return true }
        guard case .some(.some(let entry)) = drains[index], head.id == entry.messageId else { return false }
        drains[index] = .some(nil)
        if head.type == 3 {
            var backendTransactionId: Int?
            if entry.action == "StartTransaction", case .callResult(_, let payload)? = try? OCPPFrame(parsing: text) {
                backendTransactionId = payload["transactionId"]?.intValue
            }
            acknowledge(entry, index: index, backendTransactionId: backendTransactionId)
        } else {
            // An error will not improve by sending it again: log it and go on.
            let code = if case .callError(_, let code, _, _)? = try? OCPPFrame(parsing: text) { code } else { "unreadable" }
            logger.warning("a backend refused a queued message", metadata: [
                "backend": "\(name(of: index))", "action": "\(entry.action)", "messageId": "\(entry.messageId)", "code": "\(code)",
            ])
            acknowledge(entry, index: index, backendTransactionId: nil)
        }
        return true
    }

    /// Removes a delivered entry (recording the backend's id for a late StartTransaction), then
    /// delivers the next.
    func acknowledge(_ entry: QueuedMessage, index: Int, backendTransactionId: Int?) {
        guard let store = context.store else { return }
        // A backend's own id for a transaction must be known before anything that backend sends
        // next (a SetChargingProfile or RemoteStop naming that id): pause like any store write.
        let learnsId = backendTransactionId != nil && entry.transactionRecord != nil
        if !learnsId, acknowledgeMirrored(entry, index: index) { return }
        if learnsId, mirrored[index]?.first?.sequence == entry.sequence { mirrored[index]?.removeFirst() }
        if learnsId { storeBusy = true }
        let link = NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop)
        let mailbox = mailbox
        let done: @Sendable (Result<Int?, StoreError>) -> Void = { result in
            mailbox.post {
                switch result {
                case .success(let learnt):
                    link.value.link?.acknowledged(index, backendTransactionId: backendTransactionId, record: entry.transactionRecord,
                                                  chargePointTransactionId: learnt, resume: learnsId)
                case .failure(let error):
                    link.value.link?.deliveryFailed(index, error, resume: learnsId)
                }
            }
        }
        if learnsId, let backendTransactionId {
            store.acknowledgeStart(entry, backendTransactionId: backendTransactionId, completion: done)
        } else {
            store.acknowledge(entry.queue, sequence: entry.sequence) { result in done(result.map { _ in nil }) }
        }
    }

    func acknowledged(_ index: Int, backendTransactionId: Int?, record: Int64?, chargePointTransactionId: Int?, resume: Bool) {
        if let backendTransactionId, let chargePointTransactionId {
            session.recordLateBackendId(backendTransactionId, backend: index, chargePointTransactionId: chargePointTransactionId)
        } else if let backendTransactionId, let record, let call = pendingStarts.first(where: { $0.value == record })?.key {
            // The responder has not answered yet: the session keeps it with the call's early copy ids.
            session.recordCopyTransactionId(backendTransactionId, backend: index, startMessageId: call)
        }
        if resume {
            storeBusy = false
            resumeWaiting()
        }
        guard !closed, drains[index] != nil else { return }
        if mirrored[index] != nil {
            drains[index] = nil
            return sendMirrored(to: index)
        }
        // Removals of mirrored entries still under way: the store is read once they committed.
        guard acknowledgementsInFlight[index] == nil else {
            drains[index] = nil
            pendingDelivery.insert(index)
            return
        }
        deliverNext(to: index)
    }

    func deliveryFailed(_ index: Int, _ error: StoreError, resume: Bool) {
        logger.error("cannot acknowledge a delivered queue entry", metadata: ["backend": "\(name(of: index))", "error": "\(error)"])
        drains[index] = nil
        if resume {
            storeBusy = false
            resumeWaiting()
        }
    }
}
