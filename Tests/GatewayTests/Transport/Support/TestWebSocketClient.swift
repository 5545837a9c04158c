import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A minimal WebSocket client for tests: sends one upgrade request with the headers a test
/// chooses, records the HTTP answer (upgrade or refusal) and every frame it receives without
/// reassembling, and sends any frame a test builds (masked, as a client must).
final class TestWebSocketClient: Sendable {
    /// One received frame.
    struct Frame: Sendable, Equatable {
        let opcode: WebSocketOpcode
        let fin: Bool
        let data: [UInt8]

        var text: String { String(decoding: data, as: UTF8.self) }
        /// The close code of a close frame.
        var closeCode: UInt16? {
            guard opcode == .connectionClose, data.count >= 2 else { return nil }
            return UInt16(data[0]) << 8 | UInt16(data[1])
        }
    }

    enum Event: Sendable {
        /// The upgrade was refused with this response.
        case refused(HTTPResponseHead)
        case body(String)
        case responseEnd
        /// The upgrade succeeded with this response.
        case upgraded(HTTPResponseHead)
        case frame(Frame)
        case closed
    }

    let channel: any Channel
    let events: EventLog<Event>

    private init(channel: any Channel, events: EventLog<Event>) {
        self.channel = channel
        self.events = events
    }

    /// Connects to `port` on 127.0.0.1 and sends `GET path` with `Sec-WebSocket-Protocol` set to
    /// `subprotocols` (none if empty) and `Authorization` set to `authorization`; over TLS with
    /// `tls` (no SNI: the address is an IP; the certificate's IP SAN is checked).
    static func connect(
        port: Int, path: String, subprotocols: [String] = ["ocpp1.6"], authorization: String? = nil,
        extraHeaders: [(String, String)] = [], tls: TLSConfiguration? = nil
    ) async throws -> TestWebSocketClient {
        let tlsContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let events = EventLog<Event>()
        var headers = HTTPHeaders([("Host", "127.0.0.1:\(port)"), ("Content-Length", "0")])
        if !subprotocols.isEmpty { headers.add(name: "Sec-WebSocket-Protocol", value: subprotocols.joined(separator: ", ")) }
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)

        let channel = try await ClientBootstrap(group: TransportFixtures.group)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tlsContext, serverHostname: nil))
                    }
                    let recorder = ResponseRecorder(request: request, events: events)
                    let upgrader = NIOWebSocketClientUpgrader(
                        maxFrameSize: 1 << 24, automaticErrorHandling: false,
                        upgradePipelineHandler: { channel, response in
                            events.append(.upgraded(response))
                            return channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(FrameRecorder(events: events))
                            }
                        }
                    )
                    let encoder = HTTPRequestEncoder()
                    let decoder = ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes))
                    let upgradeHandler = NIOHTTPClientUpgradeHandler(
                        upgraders: [upgrader], httpHandlers: [encoder, decoder, recorder], upgradeCompletionHandler: { _ in }
                    )
                    try channel.pipeline.syncOperations.addHandlers([encoder, decoder, upgradeHandler, recorder])
                    channel.closeFuture.whenComplete { _ in events.append(.closed) }
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return TestWebSocketClient(channel: channel, events: events)
    }

    // MARK: - Waiting

    /// The refusal response, once complete (head, body and end received).
    func refusal(timeout: Duration = .seconds(5)) async throws -> (head: HTTPResponseHead, body: String) {
        try await waitFor("a complete refusal response", timeout: timeout) {
            let all = self.events.all
            guard all.contains(where: { if case .responseEnd = $0 { true } else { false } }) else { return nil }
            for event in all { if case .refused(let head) = event { return (head, self.body) } }
            return nil
        }
    }

    private var body: String {
        events.all.map { if case .body(let text) = $0 { text } else { "" } }.joined()
    }

    /// The upgrade response, once the upgrade succeeded.
    func upgradeResponse(timeout: Duration = .seconds(5)) async throws -> HTTPResponseHead {
        try await waitFor("the upgrade", timeout: timeout) {
            for event in self.events.all {
                if case .upgraded(let head) = event { return head }
                if case .refused(let head) = event { return head.status == .switchingProtocols ? head : nil }
            }
            return nil
        }
    }

    var isClosed: Bool { events.all.contains { if case .closed = $0 { true } else { false } } }

    func waitUntilClosed(timeout: Duration = .seconds(5)) async throws {
        try await waitUntil("the connection to close", timeout: timeout) { self.isClosed }
    }

    var frames: [Frame] { events.all.compactMap { if case .frame(let frame) = $0 { frame } else { nil } } }

    /// The first received frame with `opcode`, once there is one.
    func frame(_ opcode: WebSocketOpcode, timeout: Duration = .seconds(5)) async throws -> Frame {
        try await waitFor("a \(opcode) frame", timeout: timeout) { self.frames.first { $0.opcode == opcode } }
    }

    /// The texts of all received text frames, once there are `count`.
    func texts(count: Int, timeout: Duration = .seconds(5)) async throws -> [String] {
        try await waitFor("\(count) text frames", timeout: timeout) {
            let texts = self.frames.filter { $0.opcode == .text }.map(\.text)
            return texts.count >= count ? texts : nil
        }
    }

    // MARK: - Sending

    /// Sends one frame; `masked: false` and `rsv1: true` break the rules on purpose.
    func send(_ opcode: WebSocketOpcode, _ bytes: [UInt8], fin: Bool = true, masked: Bool = true, rsv1: Bool = false) async throws {
        let buffer = channel.allocator.buffer(bytes: bytes)
        let frame = WebSocketFrame(fin: fin, rsv1: rsv1, opcode: opcode, maskKey: masked ? .random() : nil, data: buffer)
        try await channel.writeAndFlush(frame)
    }

    func send(text: String) async throws { try await send(.text, Array(text.utf8)) }

    /// Sends a close frame with `code`.
    func sendClose(code: UInt16) async throws {
        try await send(.connectionClose, [UInt8(code >> 8), UInt8(code & 0xFF)])
    }

    /// Stops reading from the socket, like a peer that hangs.
    func stopReading() async throws {
        try await channel.setOption(ChannelOptions.autoRead, value: false).get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// Sends the request when the connection is up and records a non-upgrade response.
private final class ResponseRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let request: HTTPRequestHead
    let events: EventLog<TestWebSocketClient.Event>

    init(request: HTTPRequestHead, events: EventLog<TestWebSocketClient.Event>) {
        self.request = request
        self.events = events
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): events.append(.refused(head))
        case .body(let buffer): events.append(.body(String(buffer: buffer)))
        case .end: events.append(.responseEnd)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {}
}

/// Records every frame after the upgrade.
private final class FrameRecorder: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame

    let events: EventLog<TestWebSocketClient.Event>

    init(events: EventLog<TestWebSocketClient.Event>) { self.events = events }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let payload = frame.unmaskedData
        events.append(.frame(.init(opcode: frame.opcode, fin: frame.fin, data: Array(payload.readableBytesView))))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
