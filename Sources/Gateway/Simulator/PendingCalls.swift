import NIOConcurrencyHelpers
import NIOCore
import OCPP

/// Calls a simulator sent and the promises waiting for their answers, by message id.
final class PendingCalls: Sendable {
    private let pending = NIOLockedValueBox<[String: EventLoopPromise<OCPPFrame>]>([:])

    /// Registers a call; its answer (or a timeout after `seconds`) completes the future.
    func register(id: String, action: String, on eventLoop: any EventLoop, timeout seconds: Double) -> EventLoopFuture<OCPPFrame> {
        let promise = eventLoop.makePromise(of: OCPPFrame.self)
        pending.withLockedValue { $0[id] = promise }
        let timeout = eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { [weak self] in
            guard let promise = self?.pending.withLockedValue({ $0.removeValue(forKey: id) }) else { return }
            promise.fail(SimulatorError.timedOut(action: action, seconds: seconds))
        }
        promise.futureResult.whenComplete { _ in timeout.cancel() }
        return promise.futureResult
    }

    /// Completes the call the answer belongs to; false when nothing waits for it.
    @discardableResult
    func complete(with frame: OCPPFrame) -> Bool {
        guard let promise = pending.withLockedValue({ $0.removeValue(forKey: frame.messageId) }) else { return false }
        promise.succeed(frame)
        return true
    }

    /// Fails every waiting call, when the connection goes away.
    func failAll(_ error: SimulatorError) {
        let promises = pending.withLockedValue { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for promise in promises { promise.fail(error) }
    }
}
