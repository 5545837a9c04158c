import NIOConcurrencyHelpers
import NIOCore

/// Hands work from other threads to event loops in batches: what arrives for a loop while a batch
/// is waiting for it joins that batch. A group commit completes the writes of many charge points
/// at once, from the store's writer thread; one `execute` per write woke each event loop again
/// and again (an `eventfd` write and a thread wake-up each), where one per batch will do.
final class LoopMailboxes: Sendable {
    /// One event loop's mailbox.
    final class Mailbox: Sendable {
        let eventLoop: any EventLoop
        private let state = NIOLockedValueBox<(jobs: [@Sendable () -> Void], scheduled: Bool)>(([], false))

        init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

        /// Runs `job` on the event loop, in the order posted, after what was posted before it.
        func post(_ job: @escaping @Sendable () -> Void) {
            let schedules = state.withLockedValue { state -> Bool in
                state.jobs.append(job)
                guard !state.scheduled else { return false }
                state.scheduled = true
                return true
            }
            if schedules { eventLoop.execute { self.deliver() } }
        }

        private func deliver() {
            let jobs = state.withLockedValue { state -> [@Sendable () -> Void] in
                state.scheduled = false
                defer { state.jobs.removeAll(keepingCapacity: true) }
                return state.jobs
            }
            for job in jobs { job() }
        }
    }

    private let mailboxes = NIOLockedValueBox<[ObjectIdentifier: Mailbox]>([:])

    /// The mailbox of `eventLoop` (made on first use).
    func mailbox(for eventLoop: any EventLoop) -> Mailbox {
        mailboxes.withLockedValue { mailboxes in
            if let existing = mailboxes[ObjectIdentifier(eventLoop)] { return existing }
            let created = Mailbox(eventLoop: eventLoop)
            mailboxes[ObjectIdentifier(eventLoop)] = created
            return created
        }
    }
}
