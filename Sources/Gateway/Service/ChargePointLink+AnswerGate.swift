import Foundation
import Logging
import NIOCore
import OCPP
import Runtime

/// Copies without a store row: the charge point's answer waits for them instead.
///
/// A MeterValues copy for a caught-up backend (its queue delivered, nothing awaiting an answer)
/// is sent at once, without a store write, and the charge point's answer is held until that
/// backend has answered the copy. So nothing is acknowledged before every copy is answered or
/// stored: if the gateway stops first, the charge point sends the message again, as it does
/// when the gateway stops before a store write. A copy not answered within
/// ``openCopyGrace`` of the charge point's answer, or whose backend disconnects, is stored
/// then (same message id); only after that commit does the held answer go out. The stored
/// copy is still the one its backend has: if that backend is still caught up, its answer
/// removes the entry as for any entry sent from memory, else the store's delivery sends it
/// again. StartTransaction and StopTransaction keep the store-first path: their records map
/// transaction ids and must be durable before the charge point uses them.
extension ChargePointLink {
    /// A copy sent without a store row (`draft.messageId` is the id it went with), awaiting its
    /// backend's answer.
    struct OpenCopy {
        let callId: String
        let draft: OutboundDraft
    }

    /// A charge point's call with open copies (those in ``openCopies`` with its id).
    struct GatedCall {
        /// The charge point's answer, held until the copies are answered or stored.
        var heldAnswer: String?
        /// Stores the open copies when the held answer has waited ``openCopyGrace``.
        var deadline: Scheduled<Void>?
    }

    /// How long a held answer waits for open copies before they are stored.
    static let openCopyGrace = TimeAmount.milliseconds(200)

    /// Sends `drafts` (the copies of the charge point's call `callId`) without a store write when
    /// every one is a MeterValues for a caught-up backend, and carries out the rest of `effects`;
    /// `false` (nothing done) when any is not.
    func sendWithoutRow(_ drafts: [OutboundDraft], callId: String, effects: [SessionEffect]) -> Bool {
        let backends = session.policy.policy.backends
        var indices: [Int] = []
        for draft in drafts {
            guard draft.action == "MeterValues", let index = backends.firstIndex(of: draft.queue.backend),
                !indices.contains(index), isCaughtUp(index),
                draft.payload[ChargePointSession.pendingTransactionIdKey] == nil
            else { return false }
            indices.append(index)
        }
        var unsent = false
        for (var draft, index) in zip(drafts, indices) {
            let messageId = RandomMessageId.make()
            draft.messageId = messageId
            openCopies[index] = OpenCopy(callId: callId, draft: draft)
            let text = OCPPFrame.call(id: messageId, action: draft.action, payload: draft.payload).serialized
            if connectors[index]?.send(text: text) != true { unsent = true }
        }
        gatedCalls[callId] = GatedCall()
        execute(effects.filter { if case .notDelivered(_, "MeterValues", _, _) = $0 { false } else { true } })
        // A copy that could not be written goes to the store now, before any answer.
        if unsent { storeOpenCopies(of: callId) }
        return true
    }

    /// Backend `index` is delivered to the end and waits for nothing: a copy may go to it now.
    func isCaughtUp(_ index: Int) -> Bool {
        mirrored[index]?.isEmpty == true && drains[index] == nil && openCopies[index] == nil && !queueing.contains(index)
            && !pendingDelivery.contains(index) && connectors[index]?.isConnected == true
    }

    /// Holds `text` if it is the answer to a call with open copies; `true` when held.
    func holdsAnswer(_ text: String) -> Bool {
        guard !gatedCalls.isEmpty, let head = OCPPFrameHead(text), head.isAnswer else { return false }
        let id = String(head.id)
        guard gatedCalls[id] != nil else { return false }
        gatedCalls[id]?.heldAnswer = text
        if gatedCalls[id]?.deadline == nil {
            let link = NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop)
            gatedCalls[id]?.deadline = connection.eventLoop.scheduleTask(in: Self.openCopyGrace) {
                link.value.link?.storeOpenCopies(of: id)
            }
        }
        return true
    }

    /// Backend `index`'s answer to its open copy, if `text` is one: the copy is settled.
    func settlesOpenCopy(from index: Int, text: String) -> Bool {
        guard let open = openCopies[index], let sent = open.draft.messageId, let head = OCPPFrameHead(text), head.isAnswer,
            head.id == sent
        else { return false }
        if head.type == 4 {
            logger.warning("a backend refused a copy", metadata: [
                "backend": "\(name(of: index))", "action": "\(open.draft.action)", "messageId": "\(head.id)",
            ])
        }
        openCopies[index] = nil
        releaseAnswer(of: open.callId)
        sendMirrored(to: index)
        return true
    }

    /// The held answer of call `callId` goes out once none of its copies is open.
    func releaseAnswer(of callId: String) {
        guard !openCopies.values.contains(where: { $0.callId == callId }), let gated = gatedCalls.removeValue(forKey: callId)
        else { return }
        gated.deadline?.cancel()
        if let answer = gated.heldAnswer { connection.send(text: answer) }
    }

    /// Stores the open copies of call `callId` (after a store write in flight, if any), then
    /// lets its answer go.
    func storeOpenCopies(of callId: String) {
        guard !closed, let store = context.store else { return }
        let drafts = openCopies.sorted { $0.key < $1.key }.filter { $0.value.callId == callId }.map(\.value.draft)
        guard !drafts.isEmpty else { return }
        if storeBusy {
            if !copiesToStore.contains(callId) { copiesToStore.append(callId) }
            return
        }
        storeBusy = true
        let write = LinkWrite(chargePoint: chargePointId, transaction: nil, enqueue: drafts, provisionalTransactionId: nil,
                              answeredStart: nil, snapshot: nil)
        let link = NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop)
        let mailbox = mailbox
        store.commit(write) { result in
            let appended = result.map { AppendedEntries(drafts, $0.appended, record: nil) }
            mailbox.post { link.value.link?.storedOpenCopies(callId, appended) }
        }
    }

    func storedOpenCopies(_ callId: String, _ result: Result<AppendedEntries, StoreError>) {
        storeBusy = false
        for (index, open) in openCopies where open.callId == callId { openCopies[index] = nil }
        switch result {
        case .success(let appended):
            logDrops(appended.dropped)
            // Still caught up, a backend's copy is this entry, and its answer removes it.
            enqueued(appended, sent: true)
        case .failure(let error):
            logStoreFailure(error)
            // Neither answered nor kept: its responder's answer, held or still to come, is dropped.
            gatedCalls[callId]?.heldAnswer = refuse(callId, error)
        }
        releaseAnswer(of: callId)
        resumeWaiting()
    }

    /// Stores the open copies that waited for the store write in flight.
    func storeWaitingCopies() {
        while !storeBusy, !copiesToStore.isEmpty {
            storeOpenCopies(of: copiesToStore.removeFirst())
        }
    }
}
