import Foundation
import NIOHTTP1
import OCPP

/// What the charge point listener answers to an HTTP request on a listener: upgrade to a WebSocket
/// as a charge point, or refuse with a complete HTTP response.
///
/// ``decide(request:listener:config:supportedVersions:)`` is a pure function of the request head
/// and the configuration, so every rule can be tested without a socket. Checks run in this order
/// and the first failing one answers:
///
/// 1. method `GET`, else 405;
/// 2. `Upgrade: websocket` and `Connection: upgrade`, else 426 (`Upgrade: websocket`);
/// 3. `Sec-WebSocket-Version: 13`, else 426 (`Sec-WebSocket-Version: 13`); exactly one
///    `Sec-WebSocket-Key`, else 400;
/// 4. the path is the listener's path plus exactly one segment, else 404;
/// 5. the segment percent-decodes to a valid id (1…48 characters, no `:`) with a credential
///    entry (``GatewayConfig/credential(for:)``), else 404 — OCPP answers an unknown identity with 404;
/// 6. the listener's security profile: 0 needs `allowInsecure` (else 403); 1 needs Basic auth
///    whose user is the id and whose password matches, else 401 with
///    `WWW-Authenticate: Basic realm="chargemux"`; 2 (over TLS) as 1; 3 needs a client certificate
///    (its chain already checked by the handshake) whose subject stands for the id
///    (``ClientCertificateCheck``), else 403 — no password is read;
/// 7. a supported subprotocol is offered in `Sec-WebSocket-Protocol`, else 400. RFC 6455 §4.2.2
///    lets a server that does not accept the handshake answer with an HTTP error such as 400;
///    this is clearer to a station than completing the handshake without a subprotocol and
///    closing at once, and never leaves a WebSocket half open. The first offered version the
///    gateway supports wins (the client lists them in its order of preference).
///
/// Authentication comes before subprotocol negotiation so an unauthenticated caller learns nothing
/// about what the gateway speaks.
public enum OCPPUpgradeDecision: Sendable, Equatable {
    /// Upgrade: the charge point `id` speaks `version`.
    case accept(id: String, version: OCPPVersion)
    /// Answer with `refusal` and close.
    case refuse(OCPPUpgradeRefusal)

    /// The decision for `request` on `listener`; `clientCertificate` is the subject of the TLS
    /// peer's certificate on profile 3 (`nil` if none was presented).
    public static func decide(
        request: HTTPRequestHead, listener: GatewayConfig.Listener, config: GatewayConfig,
        supportedVersions: [OCPPVersion], clientCertificate: ClientCertificateCheck? = nil
    ) -> OCPPUpgradeDecision {
        guard request.method == .GET else { return .refuse(.methodNotAllowed) }
        guard headerTokens(request.headers, "upgrade").contains("websocket"),
              headerTokens(request.headers, "connection").contains("upgrade")
        else { return .refuse(.notWebSocket) }
        guard request.headers["sec-websocket-version"] == ["13"] else { return .refuse(.unsupportedWebSocketVersion) }
        guard request.headers["sec-websocket-key"].count == 1 else { return .refuse(.malformedHandshake) }

        guard let segment = chargePointSegment(uri: request.uri, listenerPath: listener.path) else {
            return .refuse(.unknownPath)
        }
        guard let id = segment.removingPercentEncoding, ChargePointIdentity.isValidId(id) else {
            return .refuse(.invalidChargePointId)
        }
        guard let entry = config.credential(for: id) else { return .refuse(.unknownChargePoint(id: id)) }

        switch listener.securityProfile {
        case .unsecured:
            guard listener.allowInsecure else { return .refuse(.insecureNotAllowed) }
        case .basicAuth, .tlsBasicAuth:
            let values = request.headers["authorization"]
            guard values.count == 1, let authorization = BasicAuthorization(headerValue: values[0]) else {
                return .refuse(.unauthorized(id: id, problem: .missingCredentials))
            }
            guard authorization.user == id else { return .refuse(.unauthorized(id: id, problem: .userMismatch)) }
            guard authorization.passwordMatches(entry.credential) else {
                return .refuse(.unauthorized(id: id, problem: .wrongPassword))
            }
        case .mutualTLS:
            guard let tls = listener.tls else { return .refuse(.securityProfileUnavailable) }
            guard let clientCertificate else {
                return .refuse(.certificateRejected(id: id, problem: .noCertificate))
            }
            if let problem = clientCertificate.problem(connectingAs: id, tls: tls) {
                return .refuse(.certificateRejected(id: id, problem: problem))
            }
        }

        let offered = headerTokens(request.headers, "sec-websocket-protocol", lowercased: false)
        guard let version = offered.lazy.compactMap({ token in
            supportedVersions.first { $0.subprotocol == token }
        }).first else {
            return .refuse(.noSupportedSubprotocol(id: id))
        }
        return .accept(id: id, version: version)
    }

    /// The single segment after `listenerPath` in `uri` (query and fragment ignored), still
    /// percent-encoded; `nil` if the path is not `listenerPath/segment`.
    static func chargePointSegment(uri: String, listenerPath: String) -> Substring? {
        let path = uri.prefix { $0 != "?" && $0 != "#" }
        let prefix = listenerPath.hasSuffix("/") ? listenerPath : listenerPath + "/"
        guard path.hasPrefix(prefix) else { return nil }
        let segment = path.dropFirst(prefix.count)
        guard !segment.isEmpty, !segment.contains("/") else { return nil }
        return segment
    }

    /// The comma-separated tokens of every `name` header, trimmed (and lowercased unless told not to).
    static func headerTokens(_ headers: HTTPHeaders, _ name: String, lowercased: Bool = true) -> [String] {
        headers[name].flatMap { value in
            value.split(separator: ",").map { token in
                let trimmed = token.trimmingCharacters(in: .whitespaces)
                return lowercased ? trimmed.lowercased() : trimmed
            }
        }
    }
}
