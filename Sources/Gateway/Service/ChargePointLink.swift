import Foundation
import Logging
import NIOCore
import NIOWebSocket
import OCPP
import Runtime

/// One charge point's place in the gateway: its connection, its session, and its onward
/// connections to the backends its policy can reach.
///
/// Everything runs on the charge point connection's event loop: the connection's callbacks, the
/// backend connectors' events (they are created on the same loop) and the tick timer. The
/// session therefore needs no lock, and one charge point's traffic never waits for another's.
final class ChargePointLink: ChargePointConnectionDelegate {
    let chargePointId: String
    let version: OCPPVersion
    let connection: ConnectionHandle
    let context: GatewayContext
    var logger: Logger
    private var session: ChargePointSession
    private var generation: Int
    /// Connectors by the policy's backend index.
    private var connectors: [Int: BackendConnector] = [:]
    private var tick: RepeatedTask?
    private var closed = false
    /// Backends whose first connection is still being made; the charge point's messages wait.
    private var awaitingFirstConnection: Set<Int> = []
    /// Charge-point messages held until the first connections settle, in order.
    private var held: [String] = []
    private var graceDeadline: Scheduled<Void>?
    /// The most messages held; a charge point that sends more is served without waiting.
    private static let maximumHeld = 64

    init(identity: ChargePointIdentity, connection: ConnectionHandle, context: GatewayContext) {
        self.chargePointId = identity.id
        self.version = identity.ocppVersion
        self.connection = connection
        self.context = context
        var logger = context.logger
        logger[metadataKey: "chargePointId"] = "\(identity.id)"
        self.logger = logger
        let loaded = context.policies.current
        self.generation = loaded.generation
        let view = ChargePointPolicy(policy: loaded.policy, chargePoint: identity.id)
        self.session = ChargePointSession(chargePointId: identity.id, policy: view, redactor: context.redactor,
                                          settings: SessionSettings(config: context.config))
        if let snapshot = context.snapshots.take(for: identity.id) { session.restore(snapshot) }
        // The listener creates links on the connection's event loop, where they stay.
        connection.eventLoop.preconditionInEventLoop()
        connectBackends(view.reachableBackends)
        awaitingFirstConnection = Set(connectors.keys)
        let link = NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop)
        if !awaitingFirstConnection.isEmpty {
            graceDeadline = connection.eventLoop.scheduleTask(in: context.initialConnectGrace) {
                link.value.link?.releaseHeldMessages()
            }
        }
        tick = connection.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            link.value.link?.timePassed()
        }
    }

    private func timePassed() {
        dispatch(session.handle(.tick(now: Date().timeIntervalSince1970)))
    }

    // MARK: Charge point

    func didReceive(text: String) {
        if !awaitingFirstConnection.isEmpty, held.count < Self.maximumHeld {
            held.append(text)
            return
        }
        refreshPolicy()
        dispatch(session.handle(.chargePointText(text)))
    }

    /// Ends the wait for first connections and handles what the charge point sent meanwhile.
    private func releaseHeldMessages() {
        graceDeadline?.cancel()
        graceDeadline = nil
        awaitingFirstConnection.removeAll()
        let messages = held
        held.removeAll()
        for text in messages where !closed { didReceive(text: text) }
    }

    func didClose(code: WebSocketErrorCode?) {
        closed = true
        tick?.cancel()
        graceDeadline?.cancel()
        context.snapshots.keep(session.snapshot, for: chargePointId)
        for connector in connectors.values { connector.stop() }
        connectors.removeAll()
    }

    // MARK: Backends

    /// Called by the weak forwarder for connector `index`.
    func backend(_ index: Int, didEmit event: BackendConnector.Event) {
        guard !closed, connectors[index] != nil else { return }
        refreshPolicy()
        switch event {
        case .connected:
            logger.info("backend connected", metadata: ["backend": "\(session.policy.policy.backends[index])"])
            dispatch(session.handle(.backendConnected(index)))
            if awaitingFirstConnection.remove(index) != nil, awaitingFirstConnection.isEmpty { releaseHeldMessages() }
        case .disconnected(let code):
            logger.notice("backend disconnected", metadata: [
                "backend": "\(session.policy.policy.backends[index])",
                "closeCode": "\(code.map { "\(UInt16(webSocketErrorCode: $0))" } ?? "none")",
            ])
            dispatch(session.handle(.backendDisconnected(index)))
        case .received(let text):
            dispatch(session.handle(.backendText(backend: index, text)))
        }
    }

    private func connectBackends(_ reachable: TargetSet) {
        let policy = session.policy.policy
        for index in reachable where connectors[index] == nil {
            let name = policy.backends[index]
            guard let backend = context.config.backend(named: name) else {
                logger.error("the policy names a backend the config lacks", metadata: ["backend": "\(name)"])
                continue
            }
            do {
                let tlsContext = backend.securityProfile.usesTLS
                    ? try context.tls.backendContext(for: backend, chargePointId: chargePointId) : nil
                let connector = try BackendConnector(
                    backend: backend, chargePointId: chargePointId, version: backend.ocppVersion ?? version,
                    eventLoop: connection.eventLoop, options: context.backendOptions, logger: logger,
                    tlsContext: tlsContext,
                    delegate: WeakBackendDelegate(link: NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop),
                                                  backend: index))
                connectors[index] = connector
                connector.start()
            } catch {
                logger.error("cannot connect to backend", metadata: ["backend": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Takes up a reloaded policy between messages, and connects to backends it newly reaches.
    private func refreshPolicy() {
        let loaded = context.policies.current
        guard loaded.generation != generation else { return }
        generation = loaded.generation
        let view = ChargePointPolicy(policy: loaded.policy, chargePoint: chargePointId)
        if session.replacePolicy(view) {
            logger.info("policy reloaded", metadata: ["policyHash": "\(loaded.policy.sourceHash)"])
            connectBackends(view.reachableBackends)
        } else {
            logger.warning("reloaded policy not applied to this charge point until it reconnects: its backends changed",
                           metadata: ["policyHash": "\(loaded.policy.sourceHash)"])
        }
    }

    // MARK: Effects

    private func dispatch(_ effects: [SessionEffect]) {
        for effect in effects {
            switch effect {
            case .sendToChargePoint(let text):
                connection.send(text: text)
            case .sendToBackend(let index, let text):
                if connectors[index]?.send(text: text) != true {
                    logger.notice("message for a backend that is not connected dropped",
                                  metadata: ["backend": "\(session.policy.policy.backends[index])"])
                }
            case .decision(let record):
                logger.info("\(record)")
            case .consumed(let index, let text):
                logger.debug("answer consumed", metadata: [
                    "backend": "\(session.policy.policy.backends[index])", "frame": "\(Self.summary(text))",
                ])
            case .notDelivered(let index, let action, _, let reason):
                // Durable queuing for absent backends comes with the store; until then it is logged.
                logger.warning("message not delivered", metadata: [
                    "backend": "\(session.policy.policy.backends[index])", "action": "\(action)", "reason": "\(reason)",
                ])
            case .ignored(let peer, let text, let reason):
                logger.notice("message ignored", metadata: [
                    "from": "\(peer)", "reason": "\(reason)", "frame": "\(Self.summary(text))",
                ])
            }
        }
    }

    /// The frame type and message id only: payloads may hold idTags the log must not show.
    static func summary(_ text: String) -> String {
        guard let frame = try? OCPPFrame(parsing: text) else { return "<\(text.utf8.count) bytes, not a frame>" }
        switch frame {
        case .call(let id, let action, _): return "CALL \(action) \(id)"
        case .callResult(let id, _): return "CALLRESULT \(id)"
        case .callError(let id, let code, _, _): return "CALLERROR \(code) \(id)"
        }
    }
}

/// A weak reference for timers, which must not keep a closed link alive.
final class WeakLink {
    weak var link: ChargePointLink?

    init(_ link: ChargePointLink) { self.link = link }
}

/// Forwards a connector's events to its link without keeping the link alive: the link owns the
/// connectors, so a strong reference back would be a cycle.
/// Sendable because the link is only reached through `NIOLoopBound`, on the link's event loop.
final class WeakBackendDelegate: BackendConnectorDelegate, Sendable {
    let link: NIOLoopBound<WeakLink>
    let backend: Int

    init(link: NIOLoopBound<WeakLink>, backend: Int) {
        self.link = link
        self.backend = backend
    }

    func connector(_ connector: BackendConnector, didEmit event: BackendConnector.Event) {
        link.value.link?.backend(backend, didEmit: event)
    }
}
