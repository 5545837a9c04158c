import Foundation
import BareNIO
import NIOCore
import NIOWebSocket

/// Answers every text frame with the same text.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let text = WebSocketControl.text(of: unwrapInboundIn(data), context: context) else { return }
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: text)), promise: nil)
    }

    /// One flush per read burst, as an echo server written for speed does.
    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

enum EchoServer {
    static func run(host: String, port: Int) async throws {
        let server = try await BareWebSocket.serve(host: host, port: port) { _ in EchoHandler() }
        FileHandle.standardError.write(Data("bare-echo: serving on \(host):\(port)\n".utf8))
        try await server.closeFuture.get()
    }
}
