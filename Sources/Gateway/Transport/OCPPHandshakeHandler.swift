import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import OCPP

/// Decides each charge point's upgrade request before NIO's upgrader sees it.
///
/// It sits between the HTTP decoder and `HTTPServerUpgradeHandler`. For the first request head it
/// checks the rate limit, then ``OCPPUpgradeDecision``. A refusal is answered here with a
/// complete HTTP response and the connection is closed once it is written (NIO's upgrader would
/// leave a refused connection hanging). An accepted request is passed on to the upgrader, whose
/// `shouldUpgrade` reads ``accepted`` to echo the subprotocol. A connection that has not completed
/// its upgrade request within the handshake timeout is closed.
final class OCPPHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The accepted charge point, once the request head has been accepted.
    private(set) var accepted: (id: String, version: OCPPVersion)?

    private enum State {
        case awaitingHead
        case accepted
        case refused
    }

    private let listener: GatewayConfig.Listener
    private let config: GatewayConfig
    private let supportedVersions: [OCPPVersion]
    private let rateLimiter: AttemptRateLimiter
    private let logger: Logger
    private let handshakeTimeout: TimeAmount
    private let admission: Admission?
    private var state = State.awaitingHead

    /// Whether an authenticated charge point fits under the open-file limit.
    struct Admission {
        var budget: SocketBudget
        /// Backend connections each charge point may open.
        var onward: Int
        /// The `Retry-After` of a refusal, in seconds.
        var retryAfterSeconds: Int
    }
    private var timeout: Scheduled<Void>?

    init(
        listener: GatewayConfig.Listener, config: GatewayConfig, supportedVersions: [OCPPVersion],
        rateLimiter: AttemptRateLimiter, logger: Logger, handshakeTimeout: TimeAmount, admission: Admission? = nil
    ) {
        self.admission = admission
        self.listener = listener
        self.config = config
        self.supportedVersions = supportedVersions
        self.rateLimiter = rateLimiter
        self.logger = logger
        self.handshakeTimeout = handshakeTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(in: handshakeTimeout) {
            loopBoundContext.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
        timeout = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .accepted:
            context.fireChannelRead(data)
        case .refused:
            break
        case .awaitingHead:
            guard case .head(let head) = Self.unwrapInboundIn(data) else {
                refuse(.malformedHandshake, context: context)
                return
            }
            let address = Self.sourceAddress(of: context.channel)
            let limit = rateLimiter.check(address)
            guard limit.allowed else {
                refuse(.rateLimited(retryAfterSeconds: limit.retryAfterSeconds), context: context)
                return
            }
            switch OCPPUpgradeDecision.decide(
                request: head, listener: listener, config: config, supportedVersions: supportedVersions,
                clientCertificate: Self.clientCertificate(of: context.channel)
            ) {
            case .accept(let id, let version):
                if let admission, !admission.budget.admit(context.channel, onward: admission.onward, logger: logger) {
                    refuse(.overCapacity(id: id, retryAfterSeconds: admission.retryAfterSeconds), context: context)
                    return
                }
                // The timeout keeps running until the upgrade removes this handler, so a request
                // whose end never arrives cannot hold the connection open either.
                state = .accepted
                accepted = (id, version)
                context.fireChannelRead(data)
            case .refuse(let refusal):
                if refusal.countsAsFailedAttempt { rateLimiter.recordFailure(address) }
                refuse(refusal, context: context)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A malformed request (HTTPServerProtocolErrorHandler has answered 400 already) or a
        // broken connection: before the upgrade, nothing else will close the connection.
        if case .accepted = state {
            context.fireErrorCaught(error)
            return
        }
        if error is HTTPParserError, case .awaitingHead = state {
            let address = Self.sourceAddress(of: context.channel)
            // Like other refusals, but an address already over its limit is logged at debug only.
            let level: Logger.Level = rateLimiter.check(address).allowed ? .notice : .debug
            rateLimiter.recordFailure(address)
            logger.log(level: level, "refused charge point connection: malformed http request", metadata: [
                "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
                "listener": "\(listener.address)", "status": "400",
            ])
        } else if case .awaitingHead = state, error is NIOSSLError || error is BoringSSLError {
            // A failed TLS handshake: plain HTTP on a TLS port, an old TLS version, no or an
            // untrusted, expired client certificate. Counted like a refusal.
            let address = Self.sourceAddress(of: context.channel)
            let level: Logger.Level = rateLimiter.check(address).allowed ? .notice : .debug
            rateLimiter.recordFailure(address)
            logger.log(level: level, "refused charge point connection: tls handshake failed", metadata: [
                "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
                "listener": "\(listener.address)", "error": "\(error)",
            ])
        }
        state = .refused
        context.close(promise: nil)
    }

    private func refuse(_ refusal: OCPPUpgradeRefusal, context: ChannelHandlerContext) {
        state = .refused
        timeout?.cancel()
        var metadata: Logger.Metadata = [
            "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
            "listener": "\(listener.address)",
            "status": "\(refusal.status.code)",
        ]
        if let id = refusal.chargePointId { metadata["chargePointId"] = "\(id)" }
        // A flood from a rate-limited address must not flood the log as well; refusals at the
        // open-file limit are reported in summary by the SocketBudget.
        let level: Logger.Level = switch refusal {
        case .rateLimited, .overCapacity: .debug
        default: .notice
        }
        logger.log(level: level, "refused charge point connection: \(refusal.logDescription)", metadata: metadata)
        Self.writeRefusal(refusal, context: context)
    }

    /// Writes `refusal` as a complete HTTP response and closes the channel once it is written.
    static func writeRefusal(_ refusal: OCPPUpgradeRefusal, context: ChannelHandlerContext) {
        let body = context.channel.allocator.buffer(string: refusal.body + "\n")
        var headers = HTTPHeaders([
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", String(body.readableBytes)),
            ("Connection", "close"),
        ])
        for (name, value) in refusal.extraHeaders { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(version: .http1_1, status: refusal.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            loopBoundContext.value.close(promise: nil)
        }
    }

    /// The subject of the TLS peer's certificate, if the connection is TLS and one was presented
    /// (the handshake is complete before the first HTTP bytes arrive).
    static func clientCertificate(of channel: any Channel) -> ClientCertificateCheck? {
        guard let tls = try? channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self) else { return nil }
        return ClientCertificateCheck(peer: tls.peerCertificate)
    }

    /// The address rate limiting counts by: the peer's IP address without its port.
    static func sourceAddress(of channel: any Channel) -> String {
        guard let remote = channel.remoteAddress else { return "unknown" }
        return remote.ipAddress ?? "\(remote)"
    }
}

@available(*, unavailable)
extension OCPPHandshakeHandler: Sendable {}
