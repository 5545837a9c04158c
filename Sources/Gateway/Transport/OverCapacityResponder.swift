import NIOCore

/// The whole pipeline of a connection the listener sheds at its open-file limit: a 503 with
/// `Retry-After` as soon as the connection is up, without reading the request, then the close.
/// (HTTP lets a server answer before the request is complete; the charge point sees a refusal, not
/// a reset.)
final class OverCapacityResponder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let retryAfterSeconds: Int

    init(retryAfterSeconds: Int) {
        self.retryAfterSeconds = retryAfterSeconds
    }

    func channelActive(context: ChannelHandlerContext) {
        let body = "the gateway is at its connection limit; try again later\n"
        let response = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: \(retryAfterSeconds)\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response))).whenComplete { _ in
            loopBoundContext.value.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The request is not read: the answer is the same whatever it says.
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension OverCapacityResponder: Sendable {}
