import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Sends raw bytes and returns everything received until the server closes (at most 5 s).
enum RawHTTPClient {
    /// `rawTail`, if given, is sent right after the request head (up to its blank line), byte for
    /// byte, in the same write.
    static func send(port: Int, request: String, rawTail: [UInt8]? = nil, timeout: Duration = .seconds(5)) async throws -> String {
        let received = NIOLockedValueBox<[UInt8]>([])
        let channel = try await ClientBootstrap(group: TransportFixtures.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        if let rawTail, let end = request.range(of: "\r\n\r\n") {
            var buffer = channel.allocator.buffer(string: String(request[..<end.upperBound]))
            buffer.writeBytes(rawTail)
            try await channel.writeAndFlush(buffer)
        } else if !request.isEmpty {
            try await channel.writeAndFlush(channel.allocator.buffer(string: request))
        }
        let closed = NIOLockedValueBox(false)
        channel.closeFuture.whenComplete { _ in closed.withLockedValue { $0 = true } }
        do {
            try await waitUntil("the server to close", timeout: timeout) { closed.withLockedValue { $0 } }
        } catch {
            try? await channel.close()
            throw error
        }
        return String(decoding: received.withLockedValue { $0 }, as: UTF8.self)
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedValueBox<[UInt8]>
        init(received: NIOLockedValueBox<[UInt8]>) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
        }
        func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
    }
}
