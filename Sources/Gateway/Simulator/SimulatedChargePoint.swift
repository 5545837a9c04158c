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
    private let received = NIOLockedValueBox<[OCPPFrame]>([])
    private let onEvent: @Sendable (SimulatorEvent) -> Void

    /// - Parameters:
    ///   - url: the endpoint without the id (`ws://127.0.0.1:8180/ocpp`).
    ///   - password: the Basic auth password (profile 1, or 2 over `wss://`), if any.
    ///   - tls: for a `wss://` url: the CA to trust and, for profile 3, the client certificate.
    ///   - behaviour: how it answers the backends' calls (by default at once, Accepted).
    public init(id: String, url: URL, password: String?, tls: GatewayConfig.BackendTLS? = nil,
                version: OCPPVersion = .v16, eventLoop: any EventLoop, logger: Logger, reconnect: Backoff = Backoff(),
                behaviour: Behaviour = Behaviour(), onEvent: @escaping @Sendable (SimulatorEvent) -> Void = { _ in }) throws {
        self.id = id
        self.version = version
        self.onEvent = onEvent
        let target = GatewayConfig.Backend(name: "gateway", url: url, ocppVersion: version,
                                           securityProfile: Self.profile(url: url, password: password, tls: tls),
                                           password: password.map { Secret($0) }, tls: tls)
        let delegate = ChargePointSideDelegate(id: id, version: version, behaviour: behaviour, pending: pending,
                                               received: received, onEvent: onEvent)
        self.connector = try BackendConnector(backend: target, chargePointId: id, version: version, eventLoop: eventLoop,
                                              options: BackendConnector.Options(backoff: reconnect), logger: logger,
                                              delegate: delegate)
    }

    /// How the simulated charge point answers the calls it receives.
    public struct Behaviour: Sendable {
        /// How long it waits before answering a call.
        public var answerDelay: TimeAmount
        /// A silent charge point never answers calls (tests of call timeouts).
        public var silent: Bool
        /// The payload to answer `action` with instead of the minimal schema-valid one; `nil`
        /// from the closure keeps the default answer.
        public var answerPayload: (@Sendable (_ action: String, _ payload: JSONValue) -> JSONValue?)?

        public init(answerDelay: TimeAmount = .zero, silent: Bool = false,
                    answerPayload: (@Sendable (_ action: String, _ payload: JSONValue) -> JSONValue?)? = nil) {
            self.answerDelay = answerDelay
            self.silent = silent
            self.answerPayload = answerPayload
        }
    }

    /// Whether the connection to the gateway is up now.
    public var isConnected: Bool { connector.isConnected }

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
    ///
    /// Polls: a waiter parked on a continuation would never be resumed when the connection
    /// never comes, and a task group waiting for it would hang past its own timeout.
    public func waitUntilConnected(timeout: Double = 10) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(max(0, timeout) * 1000))
        while !connector.isConnected {
            guard ContinuousClock.now < deadline else { throw SimulatorError.notConnected("gateway") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Sends a CALL and waits for its answer (a CALLRESULT or CALLERROR).
    ///
    /// - Parameter messageId: the call's id; by default the next of `id-1`, `id-2`, ...
    public func call(_ action: String, _ payload: JSONValue, messageId: String? = nil, timeout: Double = 35) async throws -> OCPPFrame {
        let generated = nextId.withLockedValue { next in
            defer { next += 1 }
            return "\(id)-\(next)"
        }
        let messageId = messageId ?? generated
        let frame = OCPPFrame.call(id: messageId, action: action, payload: payload)
        let answer = pending.register(id: messageId, action: action, on: connector.eventLoop, timeout: timeout)
        onEvent(.sent(simulator: id, peer: "gateway", frame: frame))
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
    let behaviour: SimulatedChargePoint.Behaviour
    let pending: PendingCalls
    let received: NIOLockedValueBox<[OCPPFrame]>
    let onEvent: @Sendable (SimulatorEvent) -> Void

    init(id: String, version: OCPPVersion, behaviour: SimulatedChargePoint.Behaviour, pending: PendingCalls,
         received: NIOLockedValueBox<[OCPPFrame]>, onEvent: @escaping @Sendable (SimulatorEvent) -> Void) {
        self.id = id
        self.answers = SimulatedChargePointAnswers(version: version)
        self.behaviour = behaviour
        self.pending = pending
        self.received = received
        self.onEvent = onEvent
    }

    func connector(_ connector: BackendConnector, didEmit event: BackendConnector.Event) {
        switch event {
        case .connected:
            onEvent(.connected(simulator: id, peer: "gateway"))
        case .attemptFailed:
            break
        case .disconnected:
            onEvent(.disconnected(simulator: id, peer: "gateway"))
        case .received(let text):
            guard let frame = try? OCPPFrame(parsing: text) else { return }
            received.withLockedValue { $0.append(frame) }
            onEvent(.received(simulator: id, peer: "gateway", frame: frame))
            guard case .call(let messageId, let action, let payload) = frame else {
                pending.complete(with: frame)
                return
            }
            guard !behaviour.silent, var answer = answers.answer(frame) else { return }
            if case .callResult = answer, let custom = behaviour.answerPayload?(action, payload) {
                answer = .callResult(id: messageId, payload: custom)
            }
            let id = self.id
            let onEvent = self.onEvent
            let reply = answer
            let send: @Sendable () -> Void = {
                onEvent(.sent(simulator: id, peer: "gateway", frame: reply))
                _ = connector.send(text: reply.serialized)
            }
            if behaviour.answerDelay > .zero {
                connector.eventLoop.scheduleTask(in: behaviour.answerDelay, send)
            } else {
                send()
            }
        }
    }
}
