import NIOCore
import NIOWebSocket

/// What the bare tools do with a frame that is not text: a ping is answered, a close closes.
public enum WebSocketControl {
    /// The text of a text frame; nil after handling any other frame.
    public static func text(of frame: WebSocketFrame, context: ChannelHandlerContext) -> ByteBuffer? {
        switch frame.opcode {
        case .text:
            return frame.unmaskedData
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(NIOAny(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
        return nil
    }
}
