import Foundation
import Logging
import NIOCore
import OCPP
import Runtime

/// Store before effects: what a batch of effects asks the store to keep is written, and the link
/// pauses, before any of it happens (see docs/store.md, "Wiring").
extension ChargePointLink {
    /// What a store write before a batch of effects did.
    enum WriteOutcome: Sendable {
        /// Committed: carry the effects out.
        case committed(record: Int64?, appended: AppendedEntries)
        /// A replayed StartTransaction: answer with the recorded id, forward nothing.
        case replay(TransactionRecord)
    }

    /// Carries out a batch of effects, after the store has kept what it must: the queue entries
    /// for absent backends, the transaction record of a StartTransaction or StopTransaction, the
    /// responder's transaction id. Until the write commits, nothing of the batch happens and later
    /// inputs wait: the charge point gets no answer for what the gateway has not kept.
    func process(_ effects: [SessionEffect], trigger: String?) {
        // The charge point's call, as the session decided it; its payload is parsed again only
        // for the few actions whose payload the link reads (the session parsed it already).
        let triggerCall = trigger == nil ? nil : Self.chargePointCall(in: effects)
        var payload: JSONValue?
        // Without a store only the offline Authorize reads it.
        if let trigger, let triggerCall, Self.payloadReadActions.contains(triggerCall.action),
            context.store != nil || triggerCall.action == "Authorize",
            case .call(_, _, let parsed)? = try? OCPPFrame(parsing: trigger)
        {
            payload = parsed
        }
        let effects = authorizeOffline(effects, call: triggerCall, payload: payload)
        guard let store = context.store else {
            _ = keepMissedStatus(effects)
            return execute(effects)
        }
        var drafts: [OutboundDraft] = []
        let now = Date()
        for case .notDelivered(let index, let action, let payload, _) in effects where Self.queuedActions.contains(action) {
            drafts.append(OutboundDraft(queue: QueueKey(chargePoint: chargePointId, backend: name(of: index)), action: action,
                                        payload: payload, enqueuedAt: now))
        }
        var callId: String?
        var transaction: LinkWrite.Transaction?
        if let decision = triggerCall, Self.queuedActions.contains(decision.action),
            decision.verdict == .forwarded || decision.verdict == .answeredByGateway
        {
            callId = decision.messageId
            if let payload { transaction = self.transaction(action: decision.action, payload: payload, owner: decision.owner) }
            if case .start(var start)? = transaction, let responder = decision.responder,
                let index = session.policy.policy.backends.firstIndex(of: responder)
            {
                start.responderMessageId = Self.leg(to: index, action: decision.action, in: effects)?.id
                transaction = .start(start)
            }
        }
        if transaction == nil, drafts.isEmpty { callId = nil }
        // A StartTransaction the gateway answered itself (for an absent owner): its provisional id.
        var provisionalId: Int?
        if case .start? = transaction, let callId {
            for case .sendToChargePoint(let text) in effects {
                if case .callResult(callId, let payload)? = try? OCPPFrame(parsing: text) { provisionalId = payload["transactionId"]?.intValue }
            }
        }
        var answeredStart: (record: Int64, id: Int)?
        if !pendingStarts.isEmpty {
            // Matched by the answer's head: only the answer to a pending start is parsed.
            for case .sendToChargePoint(let text) in effects {
                guard let head = OCPPFrameHead(text), head.type == 3, let record = pendingStarts[String(head.id)] else { continue }
                pendingStarts[String(head.id)] = nil
                if case .callResult(_, let payload)? = try? OCPPFrame(parsing: text), let assigned = payload["transactionId"]?.intValue {
                    answeredStart = (record, assigned)
                }
            }
        }
        // A BootNotification changes the snapshot (the boot replayed to backends after a restart).
        let bootSeen = triggerCall?.action == "BootNotification"
        let statusMissed = keepMissedStatus(effects)
        guard callId != nil || !drafts.isEmpty || answeredStart != nil || bootSeen || statusMissed else { return execute(effects) }
        // The snapshot is written when it changed since the last write (a start, a stop, a boot,
        // a backend's id, a status an absent backend missed), not with every MeterValues.
        let current = durableSnapshot
        // A MeterValues whose copies all go to caught-up backends: no row; its answer waits for them.
        if let callId, transaction == nil, answeredStart == nil, !bootSeen, !statusMissed, !drafts.isEmpty,
            triggerCall?.verdict == .forwarded, current == savedSnapshot,
            sendWithoutRow(drafts, callId: callId, effects: effects)
        {
            return
        }

        if Self.crashPoint == "after-receive-before-store", callId != nil { Self.crash() }
        storeBusy = true
        let snapshot: SessionSnapshot? = current == savedSnapshot ? nil : current
        savedSnapshot = current
        let link = NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop)
        let call = callId
        let write = LinkWrite(chargePoint: chargePointId, transaction: transaction, enqueue: drafts,
                              provisionalTransactionId: provisionalId,
                              answeredStart: answeredStart.map { .init(record: $0.record, chargePointTransactionId: $0.id) },
                              snapshot: snapshot)
        let mailbox = mailbox
        store.commit(write) { result in
            let outcome = result.map { outcome -> WriteOutcome in
                if let replay = outcome.replay { return .replay(replay) }
                let appended = AppendedEntries(write.enqueue, outcome.appended, record: outcome.transactionRecord)
                return .committed(record: outcome.awaitingAnswer, appended: appended)
            }
            mailbox.post { link.value.link?.written(outcome, effects: effects, callId: call) }
        }
    }

    /// A store write before `effects` ended.
    func written(_ result: Result<WriteOutcome, StoreError>, effects: [SessionEffect], callId: String?) {
        storeBusy = false
        // Not known to be in the store: the next write saves it.
        if case .success(.committed) = result {} else { savedSnapshot = nil }
        switch result {
        case .success(.committed(let record, let appended)):
            logDrops(appended.dropped)
            if Self.crashPoint == "after-store-before-forward", callId != nil { Self.crash() }
            if let record, let callId { pendingStarts[callId] = record }
            execute(effects)
        case .success(.replay(let record)):
            guard let callId else { break }
            if let id = record.chargePointTransactionId {
                // Answered before: the same id again, and nothing goes to any backend.
                session.abandonCall(messageId: callId)
                logger.notice("replayed StartTransaction recognised: answered with its id, nothing forwarded",
                              metadata: ["transactionId": "\(id)"])
                let answer: JSONValue = ["transactionId": .integer(id), "idTagInfo": ["status": "Accepted"]]
                connection.send(text: OCPPFrame.callResult(id: callId, payload: answer).serialized)
            } else {
                // Recorded, never answered (the gateway stopped before the responder's answer, or
                // it is still on its way): the responder gets it again, since OCPP has no other
                // way to learn its id; the copies queued with the first attempt are not queued again.
                logger.notice("replayed StartTransaction without an answer yet: sent to its responder again")
                pendingStarts[callId] = record.id
                execute(retransmission(of: record, effects.filter { if case .notDelivered = $0 { false } else { true } },
                                       callId: callId))
            }
        case .failure(let error):
            logStoreFailure(error)
            if let callId {
                connection.send(text: refuse(callId, error))
            } else {
                execute(effects)
            }
        }
        if case .success(.committed(_, let appended)) = result { enqueued(appended) }
        resumeWaiting()
    }

    func logStoreFailure(_ error: StoreError) {
        logger.critical("the store cannot keep this charge point's messages", metadata: [
            "error": "\(error)", "refusesNewTransactions": "\(error.refusesNewTransactions)",
        ])
    }

    /// The charge point's call `callId`, which the store could not keep, is dropped; the
    /// CALLERROR to answer it with. Refused, the charge point keeps the message and tries again.
    func refuse(_ callId: String, _ error: StoreError) -> String {
        session.abandonCall(messageId: callId)
        return ChargePointSession.callError(id: callId, code: "InternalError",
                                            description: "the gateway cannot store transactions: \(error)")
    }

    /// Logs what the queues' limits dropped in a write.
    func logDrops(_ drops: [QueueDrop]) {
        for drop in drops {
            logger.warning("queue limit dropped messages", metadata: [
                "backend": "\(drop.queue.backend)", "reason": "\(drop.reason.rawValue)", "count": "\(drop.entries.count)",
                "messages": "\(drop.entries.map { "\($0.action) \($0.messageId)" }.joined(separator: ", "))",
            ])
        }
    }

    /// `effects` with the responder's StartTransaction leg under the message id of the first
    /// attempt recorded in `record` (at least once on the wire, deduplicable by message id).
    func retransmission(of record: TransactionRecord, _ effects: [SessionEffect], callId: String) -> [SessionEffect] {
        guard let stored = record.responderMessageId, let responder = Self.decision(for: callId, in: effects)?.responder,
            let index = session.policy.policy.backends.firstIndex(of: responder),
            let fresh = Self.leg(to: index, action: "StartTransaction", in: effects), session.renameLeg(fresh.id, to: stored)
        else { return effects }
        return effects.map { effect in
            guard case .sendToBackend(index, let text) = effect, text == fresh.text else { return effect }
            return .sendToBackend(index, OCPPFrame.call(id: stored, action: "StartTransaction", payload: fresh.payload).serialized)
        }
    }

    /// The call `action` the effects send to backend `index`: its message id, text and payload.
    static func leg(to index: Int, action: String, in effects: [SessionEffect]) -> (id: String, text: String, payload: JSONValue)? {
        for case .sendToBackend(index, let text) in effects {
            if case .call(let id, action, let payload)? = try? OCPPFrame(parsing: text) { return (id, text, payload) }
        }
        return nil
    }

    /// The record a charge-point transaction message asks for.
    func transaction(action: String, payload: JSONValue, owner: String?) -> LinkWrite.Transaction? {
        let time = payload["timestamp"]?.stringValue.flatMap(RFC3339Time.parse).map { Date(timeIntervalSince1970: $0) } ?? Date()
        switch action {
        case "StartTransaction":
            guard let connector = payload["connectorId"]?.intValue, let idTag = payload["idTag"]?.stringValue else { return nil }
            return .start(TransactionStart(chargePoint: chargePointId, connectorId: connector,
                                           idTag: context.redactor.pseudonym(idTag, caseInsensitive: true, maxLength: 12),
                                           startedAt: time, meterStart: payload["meterStart"]?.intValue ?? 0, owner: owner))
        case "StopTransaction":
            guard let id = payload["transactionId"]?.intValue else { return nil }
            return .stop(TransactionStop(chargePoint: chargePointId, chargePointTransactionId: id, stoppedAt: time,
                                         meterStop: payload["meterStop"]?.intValue ?? 0, reason: payload["reason"]?.stringValue))
        default:
            return nil
        }
    }

    /// The actions whose payload the link reads when the charge point sends them.
    static let payloadReadActions: Set<String> = ["Authorize", "StartTransaction", "StopTransaction"]

    /// The decision the session logged for the charge point's call among `effects`: a charge
    /// point's text yields at most one (its CALL's, or a malformed text's with action `?`).
    static func chargePointCall(in effects: [SessionEffect]) -> DecisionRecord? {
        for case .decision(let record) in effects where record.direction == .fromChargePoint { return record }
        return nil
    }

    /// The decision the session logged for the charge point's call `id`.
    static func decision(for id: String, in effects: [SessionEffect]) -> DecisionRecord? {
        for case .decision(let record) in effects where record.messageId == id && record.direction == .fromChargePoint {
            return record
        }
        return nil
    }
}
