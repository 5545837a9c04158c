import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Keeps `inFlight` frames out on its connection: each echo sends the next frame.
final class EchoClientHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let inFlight: Int
    let payload: ByteBuffer
    var roundTrips = 0
    var sending = true
    private var key: UInt32 = .random(in: 1 ... .max)

    init(inFlight: Int) {
        self.inFlight = inFlight
        payload = ByteBuffer(string: #"[2,"1","Heartbeat",{}]"#)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        for _ in 0..<inFlight { send(context) }
        context.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard unwrapInboundIn(data).opcode == .text else { return }
        roundTrips += 1
        if sending { send(context) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    private func send(_ context: ChannelHandlerContext) {
        key = key &* 1_664_525 &+ 1_013_904_223
        let mask = withUnsafeBytes(of: key) { WebSocketMaskingKey($0)! }
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, maskKey: mask, data: payload)), promise: nil)
    }
}

/// Sends the WebSocket upgrade request once the connection is up.
final class EchoUpgradeRequest: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let head: HTTPRequestHead
    init(head: HTTPRequestHead) { self.head = head }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }
}

enum EchoDriver {
    /// Connects, runs for `seconds` and returns the round trips counted while it ran.
    static func run(host: String, port: Int, connections: Int, inFlight: Int, seconds: Int) async throws
        -> (roundTrips: Int, seconds: Double)
    {
        let group = MultiThreadedEventLoopGroup.singleton
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["Host": "\(host):\(port)", "Content-Length": "0"])
        var handlers: [NIOLoopBound<EchoClientHandler>] = []
        var upgrades: [EventLoopFuture<Void>] = []
        for _ in 0..<connections {
            let loop = group.next()
            let handler = try await loop.submit { NIOLoopBound(EchoClientHandler(inFlight: inFlight), eventLoop: loop) }.get()
            let upgraded = loop.makePromise(of: Void.self)
            handlers.append(handler)
            upgrades.append(upgraded.futureResult)
            _ = try await ClientBootstrap(group: loop)
                .channelInitializer { channel in
                    let upgrader = NIOWebSocketClientUpgrader { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(handler.value)
                            upgraded.succeed()
                        }
                    }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers(
                            withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                        try channel.pipeline.syncOperations.addHandler(EchoUpgradeRequest(head: head))
                    }
                }
                .connect(host: host, port: port)
                .get()
        }
        for upgrade in upgrades { try await upgrade.get() }
        // Warm up for a second, then count.
        try await Task.sleep(for: .seconds(1))
        let before = try await counts(handlers)
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let after = try await counts(handlers)
        let elapsed = ContinuousClock.now - started
        for handler in handlers { try await handler.eventLoop.submit { handler.value.sending = false }.get() }
        return (after - before, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    private static func counts(_ handlers: [NIOLoopBound<EchoClientHandler>]) async throws -> Int {
        var total = 0
        for handler in handlers { total += try await handler.eventLoop.submit { handler.value.roundTrips }.get() }
        return total
    }
}
