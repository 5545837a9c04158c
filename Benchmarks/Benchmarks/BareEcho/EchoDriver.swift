import BareNIO
import Foundation
import NIOCore
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
    private var keys = MaskingKeys()

    /// Succeeded once the upgrade is done and the frames are out.
    let upgraded: EventLoopPromise<Void>

    init(inFlight: Int, upgraded: EventLoopPromise<Void>) {
        self.inFlight = inFlight
        self.upgraded = upgraded
        payload = ByteBuffer(string: #"[2,"1","Heartbeat",{}]"#)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        for _ in 0..<inFlight { send(context) }
        context.flush()
        upgraded.succeed()
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
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, maskKey: keys.next(), data: payload)), promise: nil)
    }
}

enum EchoDriver {
    /// Connects, runs for `seconds` and returns the round trips counted while it ran.
    static func run(host: String, port: Int, connections: Int, inFlight: Int, seconds: Int) async throws
        -> (roundTrips: Int, seconds: Double)
    {
        let group = MultiThreadedEventLoopGroup.singleton
        var handlers: [NIOLoopBound<EchoClientHandler>] = []
        var upgrades: [EventLoopFuture<Void>] = []
        for _ in 0..<connections {
            let loop = group.next()
            let upgraded = loop.makePromise(of: Void.self)
            let handler = try await loop.submit {
                NIOLoopBound(EchoClientHandler(inFlight: inFlight, upgraded: upgraded), eventLoop: loop)
            }.get()
            handlers.append(handler)
            upgrades.append(upgraded.futureResult)
            _ = try await BareWebSocket.connect(host: host, port: port, uri: "/", subprotocol: nil, eventLoop: loop,
                                                handler: handler).get()
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
