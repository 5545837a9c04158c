import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import OCPP

/// A simulated OCPP charge point: connects to a gateway (or any central system), sends calls and
/// waits for their answers, and answers the calls it receives (Accepted, schema-valid).
public final class SimulatedChargePoint: Sendable {
    public let id: String
    public let version: OCPPVersion
    private let connector: BackendConnector
    private let pending = PendingCalls()
    private let nextId = NIOLockedValueBox(1)
    private let connected: NIOLockedValueBox<[CheckedContinuation<Void, Never>]?> = NIOLockedValueBox([])
    private let received = NIOLockedValueBox<[OCPPFrame]>([])

    /// - Parameters:
    ///   - url: the endpoint without the id (`ws://127.0.0.1:8180/ocpp`).
    ///   - password: the Basic auth password (profile 1, or 2 over `wss://`), if any.
    ///   - tls: for a `wss://` url: the CA to trust and, for profile 3, the client certificate.
    public init(id: String, url: URL, password: String?, tls: GatewayConfig.BackendTLS? = nil,
                version: OCPPVersion = .v16, eventLoop: any EventLoop,
                logger: Logger, reconnect: Backoff = Backoff(), onEvent: @escaping @Sendable (SimulatorEvent) -> Void = { _ in }) throws {
        self.id = id
        self.version = version
        let target = GatewayConfig.Backend(name: "gateway", url: url, ocppVersion: version,
                                           securityProfile: Self.profile(url: url, password: password, tls: tls),
                                           password: password.map { Secret($0) }, tls: tls)
        let delegate = ChargePointSideDelegate(id: id, version: version, pending: pending, connected: connected,
                                               received: received, onEvent: onEvent)
        self.connector = try BackendConnector(backend: target, chargePointId: id, version: version, eventLoop: eventLoop,
                                              options: BackendConnector.Options(backoff: reconnect), logger: logger,
                                              delegate: delegate)
    }

    /// The security profile implied by the url scheme, password and client certificate.
    static func profile(url: URL, password: String?, tls: GatewayConfig.BackendTLS?) -> GatewayConfig.SecurityProfile {
        if url.scheme?.lowercased() == "wss" {
            return tls?.hasClientCertificate == true ? .mutualTLS : .tlsBasicAuth
        }
        return password == nil ? .unsecured : .basicAuth
    }

    /// Connects, reconnecting with backoff until `stop()`.
    public func start() { connector.start() }

    /// Waits until the connection is up (or `timeout` passes: then throws).
    public func waitUntilConnected(timeout: Double = 10) async throws {
        if connector.isConnected { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let alreadyUp = self.connected.withLockedValue { waiting -> Bool in
                        guard waiting != nil else { return true }
                        waiting?.append(continuation)
                        return false
                    }
                    if alreadyUp || self.connector.isConnected { continuation.resume() }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                throw SimulatorError.notConnected("gateway")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Sends a CALL and waits for its answer (a CALLRESULT or CALLERROR).
    public func call(_ action: String, _ payload: JSONValue, timeout: Double = 35) async throws -> OCPPFrame {
        let messageId = nextId.withLockedValue { next in
            defer { next += 1 }
            return "\(id)-\(next)"
        }
        let frame = OCPPFrame.call(id: messageId, action: action, payload: payload)
        let answer = pending.register(id: messageId, action: action, on: connector.eventLoop, timeout: timeout)
        guard connector.send(text: frame.serialized) else {
            pending.complete(with: .callError(id: messageId, code: "GenericError", description: "not connected",
                                              details: .object(JSONObject())))
            throw SimulatorError.notConnected("gateway")
        }
        return try await answer.get()
    }

    /// Sends raw text, for tests of bad input.
    @discardableResult
    public func send(raw text: String) -> Bool { connector.send(text: text) }

    /// Every frame received so far: answers and the backends' calls.
    public var receivedFrames: [OCPPFrame] { received.withLockedValue { $0 } }

    /// The calls backends sent this charge point.
    public var receivedCalls: [OCPPFrame] {
        receivedFrames.filter { if case .call = $0 { true } else { false } }
    }

    public func stop() async {
        pending.failAll(.notConnected("gateway"))
        try? await connector.stop().get()
    }
}

/// Receives the connection's events on its event loop.
private final class ChargePointSideDelegate: BackendConnectorDelegate, Sendable {
    let id: String
    let answers: SimulatedChargePointAnswers
    let pending: PendingCalls
    let connected: NIOLockedValueBox<[CheckedContinuation<Void, Never>]?>
    let received: NIOLockedValueBox<[OCPPFrame]>
    let onEvent: @Sendable (SimulatorEvent) -> Void

    init(id: String, version: OCPPVersion, pending: PendingCalls, connected: NIOLockedValueBox<[CheckedContinuation<Void, Never>]?>,
         received: NIOLockedValueBox<[OCPPFrame]>, onEvent: @escaping @Sendable (SimulatorEvent) -> Void) {
        self.id = id
        self.answers = SimulatedChargePointAnswers(version: version)
        self.pending = pending
        self.connected = connected
        self.received = received
        self.onEvent = onEvent
    }

    func connector(_ connector: BackendConnector, didEmit event: BackendConnector.Event) {
        switch event {
        case .connected:
            onEvent(.connected(simulator: id, peer: "gateway"))
            let waiting = connected.withLockedValue { waiting in
                defer { waiting = nil }
                return waiting ?? []
            }
            for continuation in waiting { continuation.resume() }
        case .disconnected:
            onEvent(.disconnected(simulator: id, peer: "gateway"))
            connected.withLockedValue { if $0 == nil { $0 = [] } }
        case .received(let text):
            guard let frame = try? OCPPFrame(parsing: text) else { return }
            received.withLockedValue { $0.append(frame) }
            onEvent(.received(simulator: id, peer: "gateway", frame: frame))
            if let answer = answers.answer(frame) {
                onEvent(.sent(simulator: id, peer: "gateway", frame: answer))
                connector.send(text: answer.serialized)
            } else {
                pending.complete(with: frame)
            }
        }
    }
}
