import NIOHTTP1

/// Why the listener refused an upgrade request, and the HTTP response that says so.
///
/// Every refusal is answered with a complete response (`Content-Length`, `Connection: close`)
/// after which the listener closes the connection. ``logDescription`` is safe to log: it never
/// contains a password or an `Authorization` header.
public enum OCPPUpgradeRefusal: Sendable, Equatable, Error {
    /// What was wrong with the Basic auth credentials.
    public enum AuthProblem: String, Sendable, Equatable {
        /// No `Authorization` header, several, or not a well-formed `Basic` one.
        case missingCredentials = "missing or malformed basic auth"
        /// The user is not the charge point id in the URL.
        case userMismatch = "basic auth user is not the charge point id"
        /// The password does not match the configured credential.
        case wrongPassword = "wrong password"
    }

    /// Not a `GET`: 405.
    case methodNotAllowed
    /// Not a WebSocket upgrade: 426.
    case notWebSocket
    /// `Sec-WebSocket-Version` is not 13: 426.
    case unsupportedWebSocketVersion
    /// No or several `Sec-WebSocket-Key` headers: 400.
    case malformedHandshake
    /// The path is not the listener's path plus one segment: 404.
    case unknownPath
    /// The segment is not a valid charge point id: 404.
    case invalidChargePointId
    /// No credential entry matches the id: 404.
    case unknownChargePoint(id: String)
    /// Basic auth failed: 401.
    case unauthorized(id: String, problem: AuthProblem)
    /// Security profile 0 without `allowInsecure`: 403.
    case insecureNotAllowed
    /// The listener cannot serve its security profile (a TLS listener without a TLS context): 403.
    case securityProfileUnavailable
    /// Profile 3: the client certificate does not stand for the id in the URL (CN, `certificateIds`,
    /// `requireOrganization`): 403. The peer did authenticate (the TLS handshake checked its chain),
    /// so this is "not allowed as this charge point", not a challenge a password could answer (401
    /// would need a `WWW-Authenticate` scheme the client could satisfy).
    case certificateRejected(id: String, problem: ClientCertificateCheck.Problem)
    /// No supported OCPP subprotocol offered: 400.
    case noSupportedSubprotocol(id: String)
    /// Too many failed attempts from the caller's address: 429.
    case rateLimited(retryAfterSeconds: Int)
    /// The gateway is at its open-file limit: the charge point and its onward connections would
    /// not fit (``SocketBudget``): 503 with `Retry-After`.
    case overCapacity(id: String, retryAfterSeconds: Int)

    /// The response status.
    public var status: HTTPResponseStatus {
        switch self {
        case .methodNotAllowed: .methodNotAllowed
        case .notWebSocket, .unsupportedWebSocketVersion: .upgradeRequired
        case .malformedHandshake, .noSupportedSubprotocol: .badRequest
        case .unknownPath, .invalidChargePointId, .unknownChargePoint: .notFound
        case .unauthorized: .unauthorized
        case .insecureNotAllowed, .securityProfileUnavailable, .certificateRejected: .forbidden
        case .rateLimited: .tooManyRequests
        case .overCapacity: .serviceUnavailable
        }
    }

    /// Headers the response carries besides `Content-Type`, `Content-Length` and `Connection`.
    public var extraHeaders: [(String, String)] {
        switch self {
        case .methodNotAllowed: [("Allow", "GET")]
        case .notWebSocket: [("Upgrade", "websocket")]
        case .unsupportedWebSocketVersion: [("Sec-WebSocket-Version", "13")]
        case .unauthorized: [("WWW-Authenticate", "Basic realm=\"chargemux\"")]
        case .rateLimited(let seconds), .overCapacity(_, let seconds): [("Retry-After", String(seconds))]
        default: []
        }
    }

    /// A short plain-text body for the response.
    public var body: String {
        switch self {
        case .methodNotAllowed: "only GET upgrades to a WebSocket here"
        case .notWebSocket: "this endpoint only speaks OCPP-J over WebSocket"
        case .unsupportedWebSocketVersion: "WebSocket version 13 required"
        case .malformedHandshake: "malformed WebSocket handshake"
        case .unknownPath, .invalidChargePointId, .unknownChargePoint: "unknown charge point"
        case .unauthorized: "authentication required"
        case .insecureNotAllowed, .securityProfileUnavailable: "this listener cannot accept connections"
        case .certificateRejected: "client certificate not accepted for this charge point"
        case .noSupportedSubprotocol: "no supported OCPP subprotocol offered"
        case .rateLimited: "too many failed attempts"
        case .overCapacity: "the gateway is at its connection limit; try again later"
        }
    }

    /// Whether the refusal counts as a failed attempt for rate limiting: everything except the
    /// rate limiting itself, the listener's own misconfiguration and the gateway being full.
    public var countsAsFailedAttempt: Bool {
        switch self {
        case .rateLimited, .insecureNotAllowed, .securityProfileUnavailable, .overCapacity: false
        default: true
        }
    }

    /// A description for logs: the reason, and the id where one was read. Never a password.
    public var logDescription: String {
        switch self {
        case .methodNotAllowed: "method not allowed"
        case .notWebSocket: "not a websocket upgrade"
        case .unsupportedWebSocketVersion: "unsupported websocket version"
        case .malformedHandshake: "malformed websocket handshake"
        case .unknownPath: "unknown path"
        case .invalidChargePointId: "invalid charge point id"
        case .unknownChargePoint: "unknown charge point"
        case .unauthorized(_, let problem): problem.rawValue
        case .insecureNotAllowed: "security profile 0 without allowInsecure"
        case .securityProfileUnavailable: "the listener's tls is not set up"
        case .certificateRejected(_, let problem): problem.rawValue
        case .noSupportedSubprotocol: "no supported ocpp subprotocol offered"
        case .rateLimited: "rate limited"
        case .overCapacity: "at the open-file limit"
        }
    }

    /// The charge point id the request named, where the refusal got that far.
    public var chargePointId: String? {
        switch self {
        case .unknownChargePoint(let id), .unauthorized(let id, _), .noSupportedSubprotocol(let id),
             .certificateRejected(let id, _), .overCapacity(let id, _): id
        default: nil
        }
    }
}
