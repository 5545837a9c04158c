import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOWebSocket
import OCPP

extension BackendConnector {
    /// Sets up a new connection to the backend, on its event loop:
    ///
    /// `[TLS] → HTTP request encoder → HTTP response decoder → NIOHTTPClientUpgradeHandler →
    /// BackendHandshakeHandler`, and after the upgrade `[TLS] → WebSocket frame encoder/decoder →
    /// WebSocketConnectionHandler`.
    ///
    /// For `wss://` an `NIOSSLClientHandler` goes first; nothing after it changes. A host name is
    /// sent as SNI and checked against the certificate; an IP address (NIOSSL refuses it as SNI) is
    /// not sent, and the certificate's IP SANs are checked against the peer's address instead.
    func configurePipeline(channel: any Channel, host: String, port: Int) throws {
        if let tlsContext {
            let serverHostname = Self.isIPAddress(host) ? nil : host
            try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname))
        }
        let requestEncoder = HTTPRequestEncoder()
        let responseDecoder = ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes))
        let handshake = BackendHandshakeHandler(request: upgradeRequest(host: host, port: port), timeout: options.handshakeTimeout)
        let loopBoundHandshake = NIOLoopBound(handshake, eventLoop: channel.eventLoop)
        let offered = subprotocol
        let maxFrameSize = options.maxFrameSize
        let closeTimeout = options.closeTimeout
        let stallTimeout = options.stallTimeout
        let pingInterval = options.pingInterval
        let upgrader = NIOWebSocketClientUpgrader(
            maxFrameSize: maxFrameSize, automaticErrorHandling: false,
            upgradePipelineHandler: { [self] channel, response in
                channel.eventLoop.makeCompletedFuture {
                    let answered = OCPPUpgradeDecision.headerTokens(response.headers, "sec-websocket-protocol", lowercased: false)
                    guard answered == [offered] else {
                        loopBoundHandshake.value.failure = "backend answered subprotocol \(answered) instead of \(offered)"
                        channel.close(promise: nil)
                        return
                    }
                    let handler = WebSocketConnectionHandler(
                        isClient: true, maxMessageSize: maxFrameSize, maxFragments: 1_024, closeTimeout: closeTimeout,
                        stallTimeout: stallTimeout, pingInterval: pingInterval
                    )
                    try channel.pipeline.syncOperations.addHandler(handler)
                    self.upgraded(channel: channel, handler: handler)
                }
            }
        )
        let upgradeHandler = NIOHTTPClientUpgradeHandler(
            upgraders: [upgrader], httpHandlers: [requestEncoder, responseDecoder, handshake],
            upgradeCompletionHandler: { _ in }
        )
        try channel.pipeline.syncOperations.addHandlers([requestEncoder, responseDecoder, upgradeHandler, handshake])
        channel.closeFuture.whenComplete { [logger] _ in
            if let failure = loopBoundHandshake.value.failure {
                logger.notice("backend connection attempt failed: \(failure)")
            }
        }
    }

    /// Whether `host` is an IPv4 or IPv6 literal.
    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    func upgradeRequest(host: String, port: Int) -> HTTPRequestHead {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var target = components?.percentEncodedPath ?? "/"
        if target.isEmpty { target = "/" }
        if let query = components?.percentEncodedQuery { target += "?" + query }
        let hostHeader = (host.contains(":") ? "[\(host)]" : host) + (url.port.map { ":\($0)" } ?? "")
        var headers = HTTPHeaders([
            ("Host", hostHeader),
            ("Sec-WebSocket-Protocol", subprotocol),
            ("Content-Length", "0"),
        ])
        if let password {
            headers.add(name: "Authorization", value: BasicAuthorization(user: chargePointId, password: password.reveal()).headerValue)
        }
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: headers)
    }
}
