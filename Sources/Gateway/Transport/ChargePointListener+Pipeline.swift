import NIOCore
import NIOHTTP1
import NIOSSL
import NIOWebSocket

extension ChargePointListener {
    /// Sets up a newly accepted connection, on its event loop:
    ///
    /// `[TLS] → HTTP response encoder → HTTP request decoder → HTTP error handler →
    /// OCPPHandshakeHandler → HTTPServerUpgradeHandler → HTTPFallbackHandler`
    ///
    /// and after the upgrade
    ///
    /// `[TLS] → WebSocket frame encoder/decoder → WebSocketConnectionHandler`.
    ///
    /// For security profiles 2 and 3 an `NIOSSLServerHandler` with the listener's current context
    /// (``TLSContexts/listenerContext(at:)``) goes first, before the HTTP handlers, and nothing
    /// after it changes (the upgrade leaves it in place). `index` is the listener's position in
    /// `config.listeners`.
    func configureChargePointPipeline(channel: any Channel, listener: GatewayConfig.Listener, index: Int) throws {
        let pipeline = channel.pipeline.syncOperations
        if listener.securityProfile.usesTLS {
            guard let context = tls.listenerContext(at: index) else {
                throw TransportError.unsupportedSecurityProfile(listener.securityProfile)
            }
            try pipeline.addHandler(NIOSSLServerHandler(context: context))
        }

        let responseEncoder = HTTPResponseEncoder()
        let requestDecoder = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
        let protocolErrorHandler = HTTPServerProtocolErrorHandler()
        let handshake = OCPPHandshakeHandler(
            listener: listener, config: config, supportedVersions: options.supportedVersions,
            rateLimiter: rateLimiter, logger: logger, handshakeTimeout: options.handshakeTimeout,
            admission: .init(budget: socketBudget, onward: options.onwardConnectionsPerChargePoint,
                             retryAfterSeconds: options.overCapacityRetryAfter)
        )
        let fallback = HTTPFallbackHandler()
        let loopBoundHandshake = NIOLoopBound(handshake, eventLoop: channel.eventLoop)
        let maxFrameSize = config.maxFrameSize
        let closeTimeout = options.closeTimeout
        let stallTimeout = options.stallTimeout
        let pingInterval = options.pingInterval

        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: maxFrameSize,
            automaticErrorHandling: false,
            shouldUpgrade: { channel, _ in
                guard let accepted = loopBoundHandshake.value.accepted else {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                return channel.eventLoop.makeSucceededFuture(
                    HTTPHeaders([("Sec-WebSocket-Protocol", accepted.version.subprotocol)])
                )
            },
            upgradePipelineHandler: { [self] channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    guard let accepted = loopBoundHandshake.value.accepted else {
                        throw TransportError.notConnected
                    }
                    let handler = WebSocketConnectionHandler(
                        isClient: false, maxMessageSize: maxFrameSize, maxFragments: 1_024, closeTimeout: closeTimeout,
                        stallTimeout: stallTimeout, pingInterval: pingInterval
                    )
                    try channel.pipeline.syncOperations.addHandler(handler)
                    self.accepted(
                        channel: channel, id: accepted.id, version: accepted.version, listener: listener,
                        handler: handler
                    )
                }.flatMapErrorThrowing { error in
                    // NIO's upgrade handler leaves a failed upgrade hanging; close it instead.
                    channel.close(promise: nil)
                    throw error
                }
            }
        )
        let upgradeHandler = HTTPServerUpgradeHandler(
            upgraders: [upgrader], httpEncoder: responseEncoder,
            extraHTTPHandlers: [requestDecoder, protocolErrorHandler, handshake, fallback],
            upgradeCompletionHandler: { _ in }
        )
        try pipeline.addHandlers([
            responseEncoder, requestDecoder, protocolErrorHandler, handshake, upgradeHandler, fallback,
        ])
    }
}
