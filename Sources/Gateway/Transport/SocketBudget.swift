import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the gateway below its open-file limit, so that at the limit it refuses charge points
/// cleanly instead of failing somewhere in the middle.
///
/// Every socket is a file descriptor, and each charge point costs one for its own connection plus
/// one per backend it is connected onward to. The budget counts the charge point connections that
/// are open (from accept to close) and, for each admitted charge point, the onward connections it
/// may open (from admission to the close of its connection). A charge point is admitted only if
/// all of that still fits under `limit - reserve`; otherwise it is refused before the upgrade with
/// **503** and `Retry-After` (``OCPPUpgradeRefusal/overCapacity(id:retryAfterSeconds:)``). The
/// reserve keeps descriptors for the store, the listening sockets, the event loops and connections
/// still in their handshake.
///
/// If descriptors run out all the same (another part of the process took them), `accept` and
/// backend connects fail with `EMFILE`: the listener then pauses accepting for a moment instead of
/// retrying at once, the connector retries after its backoff, and both are counted here.
///
/// Refusals and failures are counted (``counts``) and logged at `notice`, at most once every
/// ``reportInterval`` with the counts since the last report, so a flood at the limit does not
/// flood the log.
public final class SocketBudget: Sendable {
    /// What the budget has counted.
    public struct Counts: Sendable, Equatable {
        /// Charge point connections open now (accepted, not yet closed).
        public var openChargePointConnections = 0
        /// Onward connections promised to admitted charge points whose connection is open.
        public var committedOnward = 0
        /// Charge points refused with 503 because they would not fit.
        public var refusedChargePoints = 0
        /// `accept` calls that failed because the process or the system ran out of descriptors.
        public var acceptFailures = 0
        /// Backend connection attempts that failed because descriptors ran out.
        public var backendConnectFailures = 0

        /// All zero.
        public init() {}
    }

    /// The descriptors the process may have open (its soft `RLIMIT_NOFILE` when made by
    /// ``forProcess(reserve:)``).
    public let limit: Int
    /// Descriptors kept free for everything but charge point and backend connections.
    public let reserve: Int
    /// The least time between two log reports of refusals and failures.
    public let reportInterval: TimeAmount

    private struct State {
        var counts = Counts()
        /// Counts at the last report.
        var reported = Counts()
        var lastReport: NIODeadline?
    }

    private let state = NIOLockedValueBox(State())

    /// A budget of `limit` descriptors, `reserve` of them kept free (default: 1 %, at least 32).
    public init(limit: Int, reserve: Int? = nil, reportInterval: TimeAmount = .seconds(10)) {
        self.limit = limit
        self.reserve = reserve ?? max(32, limit / 100)
        self.reportInterval = reportInterval
    }

    /// A budget from the process's current soft open-file limit.
    public static func forProcess(reserve: Int? = nil) -> SocketBudget {
        SocketBudget(limit: FileDescriptorLimit.current()?.soft ?? 1024, reserve: reserve)
    }

    /// How many charge points with `onward` backend connections each fit in all.
    public func capacity(onward: Int) -> Int {
        max(0, (limit - reserve) / (1 + onward))
    }

    /// What has been counted so far.
    public var counts: Counts { state.withLockedValue { $0.counts } }

    /// Counts an accepted charge point connection until `channel` closes, and returns whether
    /// it may go on to its handshake: connections still in their handshake may use up to half the
    /// reserve beyond the budget. One that finds that used up gets a 503 at once and is closed
    /// (``shed(_:logger:)``), so a flood of connections that never authenticate cannot eat the
    /// descriptors the rest of the gateway needs.
    func track(_ channel: any Channel) -> Bool {
        let admitted = state.withLockedValue { state -> Bool in
            state.counts.openChargePointConnections += 1
            return state.counts.openChargePointConnections + state.counts.committedOnward <= limit - reserve / 2
        }
        channel.closeFuture.whenComplete { [state] _ in
            state.withLockedValue { $0.counts.openChargePointConnections -= 1 }
        }
        return admitted
    }

    /// Answers a connection that ``track(_:)`` did not let through with a 503 before reading its
    /// request, and closes it; counted as a refused charge point.
    func shed(_ channel: any Channel, retryAfterSeconds: Int, logger: Logger) throws {
        state.withLockedValue { $0.counts.refusedChargePoints += 1 }
        report(logger)
        try channel.pipeline.syncOperations.addHandler(OverCapacityResponder(retryAfterSeconds: retryAfterSeconds))
    }

    /// Admits a charge point whose connection (`channel`, already counted by ``track(_:)``) is
    /// open, with `onward` backend connections to come, if they fit: they are then counted until
    /// the connection closes. Returns false, and counts a refusal, if they do not.
    func admit(_ channel: any Channel, onward: Int, logger: Logger) -> Bool {
        let admitted = state.withLockedValue { state -> Bool in
            let counts = state.counts
            guard counts.openChargePointConnections + counts.committedOnward + onward <= limit - reserve else {
                state.counts.refusedChargePoints += 1
                return false
            }
            state.counts.committedOnward += onward
            return true
        }
        guard admitted else {
            report(logger)
            return false
        }
        channel.closeFuture.whenComplete { [state] _ in
            state.withLockedValue { $0.counts.committedOnward -= onward }
        }
        return true
    }

    /// Counts an `accept` that failed for want of descriptors.
    func acceptFailed(logger: Logger) {
        state.withLockedValue { $0.counts.acceptFailures += 1 }
        report(logger)
    }

    /// Counts a backend connection attempt that failed for want of descriptors.
    func backendConnectFailed(logger: Logger) {
        state.withLockedValue { $0.counts.backendConnectFailures += 1 }
        report(logger)
    }

    /// Whether `error` means the process (`EMFILE`) or the system (`ENFILE`) has no descriptor
    /// left, or the kernel no memory for another socket (`ENOBUFS`, `ENOMEM`).
    public static func isExhaustion(_ error: any Error) -> Bool {
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.contains { isExhaustion($0.error) }
        }
        guard let error = error as? IOError else { return false }
        return [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode)
    }

    /// Logs what was refused or failed since the last report, if anything, whenever that was; the
    /// gateway calls it now and then so that the end of a burst is reported too.
    public func flushReport(_ logger: Logger) {
        let pending = state.withLockedValue { state in
            state.counts.refusedChargePoints != state.reported.refusedChargePoints
                || state.counts.acceptFailures != state.reported.acceptFailures
                || state.counts.backendConnectFailures != state.reported.backendConnectFailures
        }
        if pending { report(logger, force: true) }
    }

    /// Logs the counts since the last report, unless one was made less than `reportInterval` ago.
    private func report(_ logger: Logger, force: Bool = false) {
        let now = NIODeadline.now()
        let due = state.withLockedValue { state -> (since: Counts, total: Counts)? in
            if !force, let last = state.lastReport, now - last < reportInterval { return nil }
            var since = state.counts
            since.refusedChargePoints -= state.reported.refusedChargePoints
            since.acceptFailures -= state.reported.acceptFailures
            since.backendConnectFailures -= state.reported.backendConnectFailures
            state.reported = state.counts
            state.lastReport = now
            return (since, state.counts)
        }
        guard let due else { return }
        logger.notice("at the open-file limit: refusing charge points", metadata: [
            "limit": "\(limit)", "reserve": "\(reserve)",
            "openChargePoints": "\(due.total.openChargePointConnections)",
            "committedOnward": "\(due.total.committedOnward)",
            "refused": "\(due.since.refusedChargePoints)", "refusedTotal": "\(due.total.refusedChargePoints)",
            "acceptFailures": "\(due.since.acceptFailures)", "acceptFailuresTotal": "\(due.total.acceptFailures)",
            "backendConnectFailures": "\(due.since.backendConnectFailures)",
            "backendConnectFailuresTotal": "\(due.total.backendConnectFailures)",
        ])
    }
}
