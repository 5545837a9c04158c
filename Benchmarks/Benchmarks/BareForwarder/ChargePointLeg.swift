import BareNIO
import NIOCore
import NIOWebSocket
import OCPP

/// A charge point's WebSocket and its legs to the backends: every CALL goes to all backends,
/// the first backend's answer goes back, the others' are dropped; a backend's CALL goes to the
/// charge point and its answer back to that backend. Nothing else: no OCPP parse, no policy, no
/// store, no id or transaction id rewrite. Everything happens on the charge point's event loop.
final class ChargePointLeg: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let id: String
    let backendURLs: [BackendURL]
    private var context: ChannelHandlerContext?
    private var backends: [(any Channel)?]
    /// CALLs that arrived before their backend's connection was up.
    private var waiting: [[ByteBuffer]]
    /// The backend each open backend CALL came from, by message id.
    private var backendCallOwners: [ByteBuffer: Int] = [:]
    private var keys = MaskingKeys()

    init(id: String, backendURLs: [BackendURL]) {
        self.id = id
        self.backendURLs = backendURLs
        backends = Array(repeating: nil, count: backendURLs.count)
        waiting = Array(repeating: [], count: backendURLs.count)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        for (index, url) in backendURLs.enumerated() {
            BackendLeg.connect(url: url, id: id, index: index, chargePoint: self, eventLoop: context.eventLoop)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let text = WebSocketControl.text(of: unwrapInboundIn(data), context: context) { fromChargePoint(text) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.context = nil
        for backend in backends { backend?.close(promise: nil) }
    }

    private func fromChargePoint(_ text: ByteBuffer) {
        guard let head = Self.head(of: text) else { return }
        if head.type == 2 {
            for index in backends.indices { send(text, to: index) }
        } else if let owner = backendCallOwners.removeValue(forKey: head.id) {
            send(text, to: owner)
        }
    }

    func fromBackend(_ index: Int, text: ByteBuffer) {
        guard let context, let head = Self.head(of: text) else { return }
        if head.type == 2 {
            backendCallOwners[head.id] = index
        } else if index != 0 {
            return
        }
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: text)), promise: nil)
    }

    /// The frame's type and its id's bytes, read in place (``OCPPFrameHead/locate(in:)``).
    static func head(of text: ByteBuffer) -> (type: Int, id: ByteBuffer)? {
        guard let found = OCPPFrameHead.locate(in: text.readableBytesView),
            let id = text.getSlice(at: found.id.lowerBound, length: found.id.count)
        else { return nil }
        return (found.type, id)
    }

    private func send(_ text: ByteBuffer, to index: Int) {
        guard let backend = backends[index] else {
            waiting[index].append(text)
            return
        }
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: keys.next(), data: text)
        backend.writeAndFlush(frame, promise: nil)
    }

    func attach(backend index: Int, channel: any Channel) {
        guard context != nil else {
            channel.close(promise: nil)
            return
        }
        backends[index] = channel
        let held = waiting[index]
        waiting[index] = []
        for text in held { send(text, to: index) }
    }

    /// A backend's leg closed (or never opened): the charge point goes too, as a gateway
    /// without a queue would have to.
    func backendClosed(_ index: Int) {
        backends[index] = nil
        context?.close(promise: nil)
    }
}
