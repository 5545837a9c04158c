import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// The WebSocket plumbing of the bare tools, NIO's own upgrade handlers and frame codec and
/// nothing else: a server that hands each upgraded connection to a handler, and a client
/// connection whose upgraded pipeline gets a given handler.
public enum BareWebSocket {
    /// Listens on `host:port`. `headers` sees each upgrade request and gives the response's
    /// extra headers (nil refuses it); `handler` makes the upgraded connection's handler.
    public static func serve(
        host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        headers: @escaping @Sendable (HTTPRequestHead) -> HTTPHeaders? = { _ in HTTPHeaders() },
        handler: @escaping @Sendable (HTTPRequestHead) -> any ChannelHandler
    ) async throws -> any Channel {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 16, automaticErrorHandling: true,
            shouldUpgrade: { channel, head in channel.eventLoop.makeSucceededFuture(headers(head)) },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler(head)) }
            })
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
            }
            .bind(host: host, port: port)
            .get()
    }

    /// Connects to `host:port` on `eventLoop` and upgrades to a WebSocket at `uri` (offering
    /// `subprotocol`, if any); `handler` is added once the upgrade succeeded.
    public static func connect<Handler: ChannelHandler>(
        host: String, port: Int, uri: String, subprotocol: String?, eventLoop: any EventLoop, handler: NIOLoopBound<Handler>
    ) -> EventLoopFuture<any Channel> {
        var headers: HTTPHeaders = ["Host": "\(host):\(port)", "Content-Length": "0"]
        if let subprotocol { headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol) }
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        return ClientBootstrap(group: eventLoop)
            .channelInitializer { channel in
                let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 16, automaticErrorHandling: false) { channel, _ in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler.value) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try channel.pipeline.syncOperations.addHandler(UpgradeRequestSender(request: request))
                }
            }
            .connect(host: host, port: port)
    }
}

/// Sends the WebSocket upgrade request once the connection is up.
final class UpgradeRequestSender: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let request: HTTPRequestHead

    init(request: HTTPRequestHead) { self.request = request }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }
}
