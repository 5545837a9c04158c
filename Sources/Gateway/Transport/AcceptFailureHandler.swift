import Logging
import NIOCore

/// On a listening channel: when `accept` fails for want of file descriptors (`EMFILE`, `ENFILE`,
/// `ENOBUFS`, `ENOMEM`), stops accepting for ``pause``, counts the failure in the
/// ``SocketBudget`` (which logs it, rate-limited), then accepts again. Meanwhile new connections
/// wait in the listen backlog. Other accept errors are logged at `debug`. No error travels further.
///
/// NIO's own `AcceptBackoffHandler` is not enough here: when the first `accept` of a read fails,
/// the channel still has a read pending and stays registered for readability, so the event loop
/// would wake and fail again at once, in a busy loop, until a descriptor is free. Turning
/// `autoRead` off unregisters it; turning it back on registers it again.
final class AcceptFailureHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let budget: SocketBudget
    private let logger: Logger
    /// How long accepting pauses after such a failure.
    let pause: TimeAmount
    private var resume: Scheduled<Void>?

    init(budget: SocketBudget, logger: Logger, pause: TimeAmount = .milliseconds(500)) {
        self.budget = budget
        self.logger = logger
        self.pause = pause
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard SocketBudget.isExhaustion(error) else {
            logger.debug("accept failed", metadata: ["error": "\(error)"])
            return
        }
        budget.acceptFailed(logger: logger)
        guard resume == nil, let options = context.channel.syncOptions else { return }
        try? options.setOption(.autoRead, value: false)
        let channel = context.channel
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        resume = context.eventLoop.scheduleTask(in: pause) {
            loopBoundSelf.value.resume = nil
            guard channel.isActive else { return }
            try? channel.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        resume?.cancel()
        resume = nil
    }
}

@available(*, unavailable)
extension AcceptFailureHandler: Sendable {}
