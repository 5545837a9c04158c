import NIOCore
import NIOWebSocket

/// The WebSocket end of an upgraded OCPP-J connection, on the hot path of every message.
///
/// It takes the raw frames from NIO's frame decoder, checks them and reassembles fragmented
/// messages itself (``WebSocketMessageAssembler``: no extra pipeline hops). Text messages that are
/// valid UTF-8 go to ``onText``; a binary message closes with 1003, invalid UTF-8 with 1007, a
/// message over the size limit with 1009 and any other protocol error with 1002. Pings are
/// answered with pongs. A close from the peer is echoed and the channel closed; a close we start
/// (``close(code:reason:promise:)``) waits up to ``closeTimeout`` for the peer's close frame.
/// ``onClose`` runs exactly once, when the channel goes inactive. Frames we send are masked when
/// we are the client, as RFC 6455 requires. A peer that stops reading while we write to it (the
/// channel stays unwritable for ``stallTimeout``) is disconnected, so its unsent messages cannot
/// pile up in memory. With a ``pingInterval``, a ping goes out every interval and a peer that sent
/// nothing at all (not even a pong) during two whole intervals is taken for dead and disconnected.
final class WebSocketConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    /// Whole frames as bytes (``WebSocketFrameBytes``), written past NIO's frame encoder.
    typealias OutboundOut = ByteBuffer

    private enum State {
        case open
        /// We sent a close frame and wait for the peer's.
        case closing
        case closed
    }

    /// Called with each text message, on the channel's event loop.
    var onText: ((String) -> Void)?
    /// Called once when the connection has closed, with the close code the peer sent (or, if it
    /// sent none, the one we sent; `nil` if neither side sent a close frame).
    var onClose: ((WebSocketErrorCode?) -> Void)?

    private let isClient: Bool
    private let closeTimeout: TimeAmount
    private let stallTimeout: TimeAmount
    private var stallTimer: Scheduled<Void>?
    private let pingInterval: TimeAmount?
    private var pingTask: RepeatedTask?
    private var heardFromPeer = true
    private var silentIntervals = 0
    private var state = State.open
    private var context: ChannelHandlerContext?
    private var closeCode: WebSocketErrorCode?
    private var closeTimer: Scheduled<Void>?
    private var maskingKeys = MaskingKeySource()
    private var assembler: WebSocketMessageAssembler
    /// The channel's allocator, kept: `context.channel.allocator` costs retains on every message.
    private var allocator = ByteBufferAllocator()
    /// Where frames go out: the context of NIO's `WebSocketFrameEncoder`, so they skip it (they
    /// are bytes already); this handler's own if there is no encoder.
    private var output: ChannelHandlerContext?

    /// `maxMessageSize`: the most bytes a message may have, fragments together (1009 beyond);
    /// `maxFragments`: the most fragments it may have.
    init(
        isClient: Bool, maxMessageSize: Int, maxFragments: Int = 1_024, closeTimeout: TimeAmount = .seconds(5),
        stallTimeout: TimeAmount = .seconds(30), pingInterval: TimeAmount? = nil
    ) {
        self.isClient = isClient
        self.assembler = WebSocketMessageAssembler(peerIsClient: !isClient, maxFragments: maxFragments,
                                                   maxMessageSize: maxMessageSize)
        self.closeTimeout = closeTimeout
        self.stallTimeout = stallTimeout
        self.pingInterval = pingInterval
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        allocator = context.channel.allocator
        output = (try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)) ?? context
        if let pingInterval, pingInterval > .zero {
            let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
            pingTask = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
                loopBoundSelf.value.keepaliveTick()
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        output = nil
        closeTimer?.cancel()
        stallTimer?.cancel()
        pingTask?.cancel()
    }

    /// Every ping interval: drop a peer that was silent for two whole intervals, else ping it.
    private func keepaliveTick() {
        guard case .open = state, let context else { return }
        silentIntervals = heardFromPeer ? 0 : silentIntervals + 1
        guard silentIntervals < 2 else {
            context.close(promise: nil)
            return
        }
        heardFromPeer = false
        write(.ping, payload: allocator.buffer(capacity: 0), context: context, promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
        } else if stallTimer == nil {
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            stallTimer = context.eventLoop.scheduleTask(in: stallTimeout) {
                // The peer is not reading: a close frame would queue behind everything else.
                loopBoundContext.value.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame: WebSocketFrame
        switch assembler.take(Self.unwrapInboundIn(data), allocator: allocator) {
        case .frame(let whole): frame = whole
        case .held, .dropped: return
        case .failure(let error): return errorCaught(context: context, error: error)
        }
        heardFromPeer = true
        switch frame.opcode {
        case .text:
            guard case .open = state else { return }
            let payload = frame.unmaskedData
            guard let text = String(strictUTF8: payload.readableBytesView) else {
                fail(code: .dataInconsistentWithMessage, reason: "text message is not valid UTF-8", context: context)
                return
            }
            onText?(text)
        case .binary:
            fail(code: .unacceptableData, reason: "OCPP-J uses text messages only", context: context)
        case .ping:
            guard case .open = state else { return }
            write(.pong, payload: frame.unmaskedData, context: context, promise: nil)
        case .pong:
            break
        case .connectionClose:
            receivedClose(frame, context: context)
        default:
            fail(code: .protocolError, reason: "unexpected frame", context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength,
             NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge,
             NIOWebSocketFrameAggregator.Error.tooManyFragments:
            fail(code: .messageTooLarge, reason: "message too large", context: context)
        case is NIOWebSocketError, is NIOWebSocketFrameAggregator.Error, is WebSocketMessageAssembler.Violation:
            fail(code: .protocolError, reason: "protocol error", context: context)
        default:
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        closeTimer?.cancel()
        closeTimer = nil
        stallTimer?.cancel()
        stallTimer = nil
        pingTask?.cancel()
        pingTask = nil
        let onClose = self.onClose
        self.onClose = nil
        self.onText = nil
        onClose?(closeCode)
        context.fireChannelInactive()
    }

    /// Sends `text` as one text message; fails `promise` if the connection is closing or closed.
    func send(text: String, promise: EventLoopPromise<Void>?) {
        guard case .open = state, let context else {
            promise?.fail(TransportError.notConnected)
            return
        }
        // Room in front for the frame header, written there: one buffer, one allocation, one
        // iovec per frame.
        var buffer = WebSocketFrameBytes.payloadBuffer(capacity: text.utf8.count, allocator: allocator)
        buffer.writeString(text)
        WebSocketFrameBytes.frame(&buffer, opcode: .text, maskKey: maskKey())
        (output ?? context).writeAndFlush(Self.wrapOutboundOut(buffer), promise: promise)
    }

    /// Starts the close handshake: sends a close frame with `code` and `reason`, then closes the
    /// channel when the peer answers or after ``closeTimeout``. Does nothing if already closing.
    func close(code: WebSocketErrorCode, reason: String, promise: EventLoopPromise<Void>?) {
        guard case .open = state, let context else {
            // Already closing: the promise completes with the close that is under way.
            if let promise, let context {
                context.channel.closeFuture.cascade(to: promise)
            } else {
                promise?.succeed()
            }
            return
        }
        state = .closing
        closeCode = code
        writeCloseFrame(code: code, reason: reason, context: context)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        closeTimer = context.eventLoop.scheduleTask(in: closeTimeout) {
            loopBoundContext.value.close(promise: nil)
        }
        if let promise { context.channel.closeFuture.cascade(to: promise) }
    }

    /// Fails the connection (RFC 6455 §7.1.7): sends a close frame and closes at once.
    private func fail(code: WebSocketErrorCode, reason: String, context: ChannelHandlerContext) {
        guard case .open = state else {
            context.close(promise: nil)
            return
        }
        state = .closing
        closeCode = code
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        writeCloseFrame(code: code, reason: reason, context: context).whenComplete { _ in
            loopBoundContext.value.close(promise: nil)
        }
    }

    private func receivedClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        var payload = frame.unmaskedData
        let peerCode = payload.readWebSocketErrorCode()
        switch state {
        case .open:
            state = .closing
            closeCode = peerCode
            var echo = context.channel.allocator.buffer(capacity: 2)
            if let peerCode {
                // Echo the peer's code, unless it is one no endpoint may send (RFC 6455 §7.4).
                echo.write(webSocketErrorCode: Self.isSendable(peerCode) ? peerCode : .protocolError)
            }
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let written = context.eventLoop.makePromise(of: Void.self)
            write(.connectionClose, payload: echo, context: context, promise: written)
            written.futureResult.whenComplete { _ in
                loopBoundContext.value.close(promise: nil)
            }
        case .closing:
            if let peerCode { closeCode = peerCode }
            context.close(promise: nil)
        case .closed:
            break
        }
    }

    @discardableResult
    private func writeCloseFrame(code: WebSocketErrorCode, reason: String, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: code)
        // A control frame's payload is at most 125 bytes: 2 for the code, 123 for the reason.
        data.writeBytes(reason.utf8.prefix(123))
        let written = context.eventLoop.makePromise(of: Void.self)
        write(.connectionClose, payload: data, context: context, promise: written)
        return written.futureResult
    }

    /// Writes a control frame with a copy of `payload`.
    private func write(_ opcode: WebSocketOpcode, payload: ByteBuffer, context: ChannelHandlerContext,
                       promise: EventLoopPromise<Void>?) {
        let frame = WebSocketFrameBytes.frame(opcode: opcode, payload: payload, maskKey: maskKey(), allocator: allocator)
        (output ?? context).writeAndFlush(Self.wrapOutboundOut(frame), promise: promise)
    }

    /// Whether a close code may appear in a close frame: 1000–1003, 1007–1014 and 3000–4999.
    static func isSendable(_ code: WebSocketErrorCode) -> Bool {
        let number = UInt16(webSocketErrorCode: code)
        return (1000...1003).contains(number) || (1007...1014).contains(number) || (3000...4999).contains(number)
    }

    private func maskKey() -> UInt32? {
        isClient ? maskingKeys.key() : nil
    }
}

@available(*, unavailable)
extension WebSocketConnectionHandler: Sendable {}
