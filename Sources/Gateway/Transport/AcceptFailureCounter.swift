import Logging
import NIOCore

/// On a listening channel, after NIO's `AcceptBackoffHandler`: counts the `accept` calls that
/// failed for want of file descriptors in the ``SocketBudget`` (which logs them, rate-limited),
/// logs other accept errors at `debug`, and lets none travel further.
final class AcceptFailureCounter: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let budget: SocketBudget
    private let logger: Logger

    init(budget: SocketBudget, logger: Logger) {
        self.budget = budget
        self.logger = logger
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if SocketBudget.isExhaustion(error) {
            budget.acceptFailed(logger: logger)
        } else {
            logger.debug("accept failed", metadata: ["error": "\(error)"])
        }
    }
}

@available(*, unavailable)
extension AcceptFailureCounter: Sendable {}
