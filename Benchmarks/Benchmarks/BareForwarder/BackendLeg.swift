import BareNIO
import NIOCore
import NIOWebSocket

/// One charge point's connection to one backend: a WebSocket client whose frames go to the
/// charge point's ``ChargePointLeg``. Lives on the charge point's event loop.
final class BackendLeg: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let index: Int
    weak var chargePoint: ChargePointLeg?

    init(index: Int, chargePoint: ChargePointLeg) {
        self.index = index
        self.chargePoint = chargePoint
    }

    func handlerAdded(context: ChannelHandlerContext) {
        chargePoint?.attach(backend: index, channel: context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let text = WebSocketControl.text(of: unwrapInboundIn(data), context: context) {
            chargePoint?.fromBackend(index, text: text)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        chargePoint?.backendClosed(index)
    }

    /// Connects `chargePoint` (id `id`) to the backend at `url` on `eventLoop`.
    static func connect(url: BackendURL, id: String, index: Int, chargePoint: ChargePointLeg, eventLoop: any EventLoop) {
        let leg = NIOLoopBound(BackendLeg(index: index, chargePoint: chargePoint), eventLoop: eventLoop)
        let chargePointBound = NIOLoopBound(chargePoint, eventLoop: eventLoop)
        BareWebSocket.connect(host: url.host, port: url.port, uri: url.path + "/" + id, subprotocol: "ocpp1.6",
                              eventLoop: eventLoop, handler: leg)
            .whenFailure { _ in chargePointBound.value.backendClosed(index) }
    }
}

/// `ws://host:port/path`, the only form the forwarder takes.
struct BackendURL {
    var host: String
    var port: Int
    var path: String

    init?(_ text: String) {
        guard text.hasPrefix("ws://") else { return nil }
        let rest = text.dropFirst("ws://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) else {
            return nil
        }
        host = String(authority[..<colon])
        self.port = port
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        self.path = path
    }
}
