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
/// then (same message id) and delivered from the store like any other; only after that commit
/// does the held answer go out. StartTransaction and StopTransaction keep the store-first path:
/// their records map transaction ids and must be durable before the charge point uses them.
extension ChargePointLink {
    /// A copy sent without a store row, awaiting its backend's answer.
    struct OpenCopy {
        let callId: String
        let messageId: String
        let draft: OutboundDraft
    }

    /// A charge point's call with open copies.
    struct GatedCall {
        /// Backends whose copy is open.
        var backends: Set<Int>
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
        var sent = 0
        for (draft, index) in zip(drafts, indices) {
            let messageId = RandomMessageId.make()
            openCopies[index] = OpenCopy(callId: callId, messageId: messageId, draft: draft)
            if connectors[index]?.send(text: OCPPFrame.call(id: messageId, action: draft.action, payload: draft.payload).serialized)
                == true
            {
                sent += 1
            }
        }
        gatedCalls[callId] = GatedCall(backends: Set(indices))
        execute(effects.filter { if case .notDelivered(_, "MeterValues", _, _) = $0 { false } else { true } })
        // A copy that could not be written goes to the store now, before any answer.
        if sent < indices.count { storeOpenCopies(of: callId) }
        return true
    }

    /// Backend `index` is delivered to the end and waits for nothing: a copy may go to it now.
    func isCaughtUp(_ index: Int) -> Bool {
        mirrored[index]?.isEmpty == true && drains[index] == nil && openCopies[index] == nil && !queueing.contains(index)
            && !pendingDelivery.contains(index) && connectors[index]?.isConnected == true
    }

    /// Holds `text` if it is the answer to a call with open copies; `true` when held.
    func holdsAnswer(_ text: String) -> Bool {
        guard !gatedCalls.isEmpty, let id = Self.answerHead(text)?.id, gatedCalls[id] != nil else { return false }
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
        guard let open = openCopies[index], let answer = Self.answerHead(text), answer.id == open.messageId else { return false }
        if answer.isError {
            logger.warning("a backend refused a copy", metadata: [
                "backend": "\(name(of: index))", "action": "\(open.draft.action)", "messageId": "\(open.messageId)",
            ])
        }
        openCopies[index] = nil
        settle(index, of: open.callId)
        sendMirrored(to: index)
        return true
    }

    /// Backend `index` no longer holds up call `callId`; its answer goes out once none does.
    func settle(_ index: Int, of callId: String) {
        gatedCalls[callId]?.backends.remove(index)
        guard let gated = gatedCalls[callId], gated.backends.isEmpty else { return }
        gated.deadline?.cancel()
        gatedCalls[callId] = nil
        if let answer = gated.heldAnswer { connection.send(text: answer) }
    }

    /// Stores the open copies of call `callId` (after a store write in flight, if any), then
    /// lets its answer go: from now on those copies are delivered from the store.
    func storeOpenCopies(of callId: String) {
        guard !closed else { return }
        let copies = openCopies.filter { $0.value.callId == callId }
        guard !copies.isEmpty, let store = context.store else { return }
        if storeBusy {
            if !copiesToStore.contains(callId) { copiesToStore.append(callId) }
            return
        }
        storeBusy = true
        let indices = copies.keys.sorted()
        let drafts = indices.map { index -> OutboundDraft in
            var draft = copies[index]!.draft
            draft.messageId = copies[index]!.messageId
            return draft
        }
        let write = LinkWrite(chargePoint: chargePointId, transaction: nil, enqueue: drafts, provisionalTransactionId: nil,
                              answeredStart: nil, snapshot: nil)
        let link = NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop)
        let mailbox = mailbox
        store.commit(write) { result in
            let failure: StoreError? = if case .failure(let error) = result { error } else { nil }
            let dropped = (try? result.get())?.appended.flatMap(\.dropped) ?? []
            mailbox.post { link.value.link?.storedOpenCopies(callId, indices, failure: failure, dropped: dropped) }
        }
    }

    func storedOpenCopies(_ callId: String, _ indices: [Int], failure: StoreError?, dropped: [QueueDrop]) {
        storeBusy = false
        for index in indices where openCopies[index]?.callId == callId {
            openCopies[index] = nil
            // Sent already; the store's delivery sends it again with the same message id and
            // removes it when answered.
            stopMirroring(index)
            if connectors[index]?.isConnected == true { pendingDelivery.insert(index) }
        }
        for drop in dropped {
            logger.warning("queue limit dropped messages", metadata: [
                "backend": "\(drop.queue.backend)", "reason": "\(drop.reason.rawValue)", "count": "\(drop.entries.count)",
            ])
        }
        if let failure {
            logger.critical("the store cannot keep this charge point's messages", metadata: ["error": "\(failure)"])
            // Neither answered nor kept: the charge point must send it again.
            session.abandonCall(messageId: callId)
            // Its responder's answer, held or still to come, is dropped with the call.
            gatedCalls[callId]?.heldAnswer = ChargePointSession.callError(
                id: callId, code: "InternalError", description: "the gateway cannot store transactions: \(failure)")
        }
        for index in indices { settle(index, of: callId) }
        resumeWaiting()
    }

    /// Calls whose open copies wait for the store write in flight.
    func storeWaitingCopies() {
        while !storeBusy, !copiesToStore.isEmpty {
            storeOpenCopies(of: copiesToStore.removeFirst())
        }
    }

    /// The message id of a CALLRESULT or CALLERROR text (`[3,"id",…` or `[4,"id",…`) and whether
    /// it is an error, read without parsing the payload.
    static func answerHead(_ text: String) -> (id: String, isError: Bool)? {
        var bytes = text.utf8[...]
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "[") { bytes = bytes.dropFirst() }
        guard let type = bytes.first, type == UInt8(ascii: "3") || type == UInt8(ascii: "4") else { return nil }
        guard let open = bytes.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        let rest = bytes[bytes.index(after: open)...]
        guard let close = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return (String(rest[..<close])!, type == UInt8(ascii: "4"))
    }
}
