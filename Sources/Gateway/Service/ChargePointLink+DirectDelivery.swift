import Foundation
import Logging
import NIOCore
import OCPP
import Runtime

/// Entries a committed write appended to the durable queues, as the link may send them.
struct AppendedEntries: Sendable {
    /// The new entries, in commit order.
    var entries: [QueuedMessage] = []
    /// Backends (by name) whose queue the write changed in a way the entries do not show: an
    /// append that found its message id queued already, or a limit that dropped entries.
    var disturbed: Set<String> = []
    /// What the queues' limits dropped.
    var dropped: [QueueDrop] = []

    init() {}

    /// The entries of `drafts` appended with `outcomes` (same order), belonging to transaction `record`.
    init(_ drafts: [OutboundDraft], _ outcomes: [AppendOutcome], record: Int64?) {
        for (draft, outcome) in zip(drafts, outcomes) {
            dropped += outcome.dropped
            for drop in outcome.dropped { disturbed.insert(drop.queue.backend) }
            guard !outcome.duplicate else {
                disturbed.insert(draft.queue.backend)
                continue
            }
            entries.append(QueuedMessage(sequence: outcome.sequence, queue: draft.queue, messageId: outcome.messageId,
                                         action: draft.action, payload: draft.payload, enqueuedAt: draft.enqueuedAt,
                                         transactionRecord: record))
        }
    }
}

/// Delivering a caught-up backend's queue from memory.
///
/// Once a backend's queue has been delivered to the end (``readQueue(_:_:)`` found it empty), the
/// link knows it exactly: it holds what later writes appended, in commit order (``mirrored``).
/// Those entries are sent from memory, each after the one before was answered, without reading
/// the store; an answered entry's removal from the store is not waited for. The entries are in
/// the store all the same, so a crash or a lost connection loses none: the link then stops
/// mirroring that backend, and the store's queue is read again (after the removals under way
/// have committed, so nothing answered is sent twice).
extension ChargePointLink {
    /// Takes the entries a committed write appended: sent from memory to a mirrored backend,
    /// else delivered from the store. `sent`: the entries are copies their backends already have
    /// (stored open copies, ChargePointLink+AnswerGate), so a mirrored backend's entry becomes
    /// the one awaiting its answer instead of going again.
    func enqueued(_ appended: AppendedEntries, sent: Bool = false) {
        let backends = session.policy.policy.backends
        stopMirroring(appended.disturbed)
        for entry in appended.entries {
            guard let index = backends.firstIndex(of: entry.queue.backend) else { continue }
            if mirrored[index] != nil, sent {
                drains[index] = .some(entry)
            } else if mirrored[index] != nil {
                mirrored[index]?.append(entry)
                sendMirrored(to: index)
            } else {
                // A read under way may have missed this entry: it reads again (``readQueue(_:_:)``).
                if case .some(nil) = drains[index] { readRaced.insert(index) }
                pendingDelivery.insert(index)
                startDelivery(to: index)
            }
        }
    }

    /// Backend `index`'s queue was found empty with nothing in flight: from now on it is mirrored.
    func startMirroring(_ index: Int) {
        guard connectors[index]?.isConnected == true else { return }
        mirrored[index] = []
    }

    /// Stops mirroring the backends named: a write changed their queues in a way its appended
    /// entries do not show.
    func stopMirroring(_ names: Set<String>) {
        let backends = session.policy.policy.backends
        for name in names {
            guard let index = backends.firstIndex(of: name) else { continue }
            stopMirroring(index)
        }
    }

    /// Stops mirroring backend `index`: its queue is read from the store again.
    func stopMirroring(_ index: Int) {
        guard mirrored.removeValue(forKey: index) != nil else { return }
        if connectors[index]?.isConnected == true { pendingDelivery.insert(index) }
    }

    /// Sends the first mirrored entry of backend `index` if nothing awaits an answer there.
    func sendMirrored(to index: Int) {
        guard !closed, drains[index] == nil, openCopies[index] == nil, let entry = mirrored[index]?.first else { return }
        var payload = entry.payload
        // A copy queued before this backend had its own transaction id: the session has it by
        // now (its StartTransaction copy, sent before, was answered), else the store's path
        // decides (``deliverable(_:store:)``).
        if case .object(var object) = payload, let pending = object[ChargePointSession.pendingTransactionIdKey]?.intValue {
            guard let own = session.backendTransactionId(pending, backend: index) else {
                stopMirroring(index)
                return startDelivery(to: index)
            }
            object[ChargePointSession.pendingTransactionIdKey] = nil
            object["transactionId"] = .integer(own)
            payload = .object(object)
        }
        guard connectors[index]?.send(text: OCPPFrame.call(id: entry.messageId, action: entry.action, payload: payload).serialized)
            == true
        else {
            stopMirroring(index)
            return
        }
        drains[index] = .some(entry)
    }

    /// A mirrored entry was answered: it is removed from the store in the background and the
    /// next goes out now. `false` when `index` is not mirrored (the store's path acknowledges).
    func acknowledgeMirrored(_ entry: QueuedMessage, index: Int) -> Bool {
        guard let first = mirrored[index]?.first, first.sequence == entry.sequence, let store = context.store else { return false }
        mirrored[index]?.removeFirst()
        drains[index] = nil
        acknowledgementsInFlight[index, default: 0] += 1
        let link = NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop)
        let mailbox = mailbox
        store.acknowledge(entry.queue, sequence: entry.sequence) { result in
            let failure: StoreError? = if case .failure(let error) = result { error } else { nil }
            mailbox.post { link.value.link?.acknowledgedMirrored(index, failure) }
        }
        sendMirrored(to: index)
        return true
    }

    func acknowledgedMirrored(_ index: Int, _ failure: StoreError?) {
        acknowledgementsInFlight[index, default: 1] -= 1
        if acknowledgementsInFlight[index] == 0 { acknowledgementsInFlight[index] = nil }
        if let failure {
            // Still in the store: it is sent again (same message id) when the store is read.
            logger.error("cannot acknowledge a delivered queue entry", metadata: ["backend": "\(name(of: index))", "error": "\(failure)"])
            stopMirroring(index)
        }
        if !storeBusy { resumeDeliveries() }
    }
}
