import NIOCore
import NIOWebSocket

/// Checks each raw frame before fragments are reassembled (RFC 6455 §5.1–5.2): frames from a
/// client must be masked and frames from a server must not be; no reserved bit may be set, as no
/// extension is negotiated. A violation is reported as ``WebSocketFrameValidator/Violation``, which
/// ``WebSocketConnectionHandler`` answers with close code 1002.
final class WebSocketFrameValidator: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    /// A frame that breaks the rules.
    enum Violation: Error {
        case unmaskedClientFrame
        case maskedServerFrame
        case reservedBitSet
    }

    private let peerIsClient: Bool
    private var failed = false

    /// `peerIsClient`: whether the frames come from a client (so must be masked).
    init(peerIsClient: Bool) {
        self.peerIsClient = peerIsClient
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let frame = Self.unwrapInboundIn(data)
        let violation: Violation? =
            if frame.rsv1 || frame.rsv2 || frame.rsv3 { .reservedBitSet }
            else if peerIsClient && frame.maskKey == nil { .unmaskedClientFrame }
            else if !peerIsClient && frame.maskKey != nil { .maskedServerFrame }
            else { nil }
        if let violation {
            failed = true
            context.fireErrorCaught(violation)
        } else {
            context.fireChannelRead(data)
        }
    }
}

@available(*, unavailable)
extension WebSocketFrameValidator: Sendable {}
