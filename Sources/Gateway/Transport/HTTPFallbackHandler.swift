import NIOCore
import NIOHTTP1

/// Answers any HTTP request that gets past ``OCPPHandshakeHandler`` but not through NIO's
/// upgrader with `400 Bad Request` and closes, so no request is ever left unanswered.
final class HTTPFallbackHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        OCPPHandshakeHandler.writeRefusal(.malformedHandshake, context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // The upgrader reports a declined upgrade as an error before passing the request on;
        // the request itself is answered in channelRead.
    }
}

@available(*, unavailable)
extension HTTPFallbackHandler: Sendable {}
