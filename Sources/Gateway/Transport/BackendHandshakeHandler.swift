import NIOCore
import NIOHTTP1

/// Sends the upgrade request when the connection is up, and closes the connection when the
/// backend answers anything but a successful upgrade or does not answer in time.
final class BackendHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// Why the attempt failed, for the log; never contains credentials.
    var failure: String?

    private let request: HTTPRequestHead
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(request: HTTPRequestHead, timeout: TimeAmount) {
        self.request = request
        self.timeout = timeout
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            loopBoundSelf.value.failure = "no upgrade response in time"
            loopBoundContext.value.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let response) = Self.unwrapInboundIn(data), failure == nil {
            failure = "backend answered HTTP \(response.status.code)"
        }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if failure == nil { failure = "upgrade failed: \(error)" }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension BackendHandshakeHandler: Sendable {}
