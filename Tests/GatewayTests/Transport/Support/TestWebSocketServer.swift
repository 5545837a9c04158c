import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A minimal WebSocket server standing in for an OCPP backend in connector tests. It upgrades
/// every request, answering `Sec-WebSocket-Protocol` with `answerSubprotocol` (or echoing the
/// first offered one when that is nil), records the request heads, echoes text messages with an
/// `echo:` prefix, and can drop every connection abruptly.
final class TestWebSocketServer: Sendable {
    let serverChannel: any Channel
    let requests = EventLog<HTTPRequestHead>()
    let texts = EventLog<String>()
    let pings = EventLog<[UInt8]>()
    private let connections = NIOLockedValueBox<[any Channel]>([])

    var port: Int { serverChannel.localAddress?.port ?? 0 }
    var upgradeCount: Int { requests.all.count }

    private init(serverChannel: any Channel) {
        self.serverChannel = serverChannel
    }

    /// `answerPings: false` makes the server ignore pings, like a dead peer that still holds the socket.
    static func start(answerSubprotocol: String? = nil, answerPings: Bool = true) async throws -> TestWebSocketServer {
        let box = NIOLockedValueBox<TestWebSocketServer?>(nil)
        let channel = try await ServerBootstrap(group: TransportFixtures.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let server = box.withLockedValue({ $0 }) else { throw ChannelError.ioOnClosedChannel }
                    let upgrader = NIOWebSocketServerUpgrader(
                        maxFrameSize: 1 << 20, automaticErrorHandling: true,
                        shouldUpgrade: { channel, head in
                            server.requests.append(head)
                            let offered = head.headers["sec-websocket-protocol"].first?
                                .split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
                            let answer = answerSubprotocol ?? offered
                            var headers = HTTPHeaders()
                            if let answer { headers.add(name: "Sec-WebSocket-Protocol", value: answer) }
                            return channel.eventLoop.makeSucceededFuture(headers)
                        },
                        upgradePipelineHandler: { channel, _ in
                            server.connections.withLockedValue { $0.append(channel) }
                            return channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(
                                    EchoHandler(texts: server.texts, pings: server.pings, answerPings: answerPings)
                                )
                            }
                        }
                    )
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = TestWebSocketServer(serverChannel: channel)
        box.withLockedValue { $0 = server }
        return server
    }

    /// Closes every upgraded connection without a close frame.
    func dropAll() {
        let open = connections.withLockedValue { connections in
            defer { connections.removeAll() }
            return connections
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// Sends `text` to every open connection.
    func broadcast(_ text: String) {
        for channel in connections.withLockedValue({ $0 }) {
            let frame = WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text))
            channel.writeAndFlush(frame, promise: nil)
        }
    }

    /// Sends `parts` to every open connection as one fragmented text message.
    func broadcastFragmented(_ parts: [String]) {
        for channel in connections.withLockedValue({ $0 }) {
            for (index, part) in parts.enumerated() {
                let frame = WebSocketFrame(
                    fin: index == parts.count - 1, opcode: index == 0 ? .text : .continuation,
                    data: channel.allocator.buffer(string: part)
                )
                channel.write(frame, promise: nil)
            }
            channel.flush()
        }
    }

    func shutdown() async {
        dropAll()
        try? await serverChannel.close()
    }
}

private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let texts: EventLog<String>
    let pings: EventLog<[UInt8]>
    let answerPings: Bool

    init(texts: EventLog<String>, pings: EventLog<[UInt8]>, answerPings: Bool) {
        self.texts = texts
        self.pings = pings
        self.answerPings = answerPings
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let text = String(buffer: frame.unmaskedData)
            texts.append(text)
            let reply = WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: "echo:" + text))
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        case .ping:
            let payload = frame.unmaskedData
            pings.append(Array(payload.readableBytesView))
            if answerPings {
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: payload)), promise: nil)
            }
        case .connectionClose:
            var data = frame.unmaskedData
            var echo = context.channel.allocator.buffer(capacity: 2)
            if let code = data.readWebSocketErrorCode() { echo.write(webSocketErrorCode: code) }
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, data: echo)
            context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in }
            context.close(promise: nil)
        default:
            break
        }
    }
}
