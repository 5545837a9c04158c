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
    /// Whether the link has taken over (restored the session, connected onward); until then the
    /// charge point's messages are held while an older connection of it retires.
    private var started = false
    /// The retirement of the link this one replaces (and of the one that replaced), if any.
    private var predecessorRetired: EventLoopFuture<Void>?
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
        // The listener creates links on the connection's event loop, where they stay.
        let eventLoop = connection.eventLoop
        eventLoop.preconditionInEventLoop()
        let link = NIOLoopBound(WeakLink(self), eventLoop: eventLoop)
        tick = eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            link.value.link?.timePassed()
        }
        // The listener accepts a new connection before it closes the one it replaces: the older
        // link retires first (its backend connections close, its snapshot is kept), so backends
        // never see two sessions of one charge point and this one goes on with its transactions.
        let predecessor = context.links.replace(identity.id, with: ActiveLinks.Entry(token: ObjectIdentifier(self)) {
            eventLoop.flatSubmit { link.value.link?.retire() ?? eventLoop.makeSucceededVoidFuture() }
        })
        guard let predecessor else {
            takeOver()
            return
        }
        let retired = predecessor.retire().hop(to: eventLoop)
        predecessorRetired = retired
        let deadline = eventLoop.scheduleTask(in: context.initialConnectGrace) { link.value.link?.takeOver() }
        retired.whenComplete { _ in
            deadline.cancel()
            link.value.link?.takeOver()
        }
    }

    /// Restores what an earlier connection left and connects to the backends; the charge point's
    /// first messages wait for those connections (up to the grace time).
    private func takeOver() {
        guard !started, !closed else { return }
        started = true
        if let snapshot = context.snapshots.take(for: chargePointId) { session.restore(snapshot) }
        connectBackends(session.policy.reachableBackends)
        awaitingFirstConnection = Set(connectors.keys)
        guard !awaitingFirstConnection.isEmpty else {
            releaseHeldMessages()
            return
        }
        let link = NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop)
        graceDeadline = connection.eventLoop.scheduleTask(in: context.initialConnectGrace) {
            link.value.link?.releaseHeldMessages()
        }
    }

    private func timePassed() {
        guard started, !closed else { return }
        dispatch(session.handle(.tick(now: Date().timeIntervalSince1970)))
    }

    // MARK: Charge point

    func didReceive(text: String) {
        guard !closed else { return }
        if !started || !awaitingFirstConnection.isEmpty, held.count < Self.maximumHeld {
            held.append(text)
            return
        }
        if !started { takeOver() }
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
        _ = shutDown()
    }

    /// Hands over to a newer connection of the same charge point: from now on this link ignores
    /// its connection (which the listener closes), keeps its snapshot and closes its backend
    /// connections. Succeeds once they are closed.
    private func retire() -> EventLoopFuture<Void> {
        let eventLoop = connection.eventLoop
        let stopped = shutDown() + [predecessorRetired].compactMap { $0 }
        return EventLoopFuture.andAllComplete(stopped, on: eventLoop)
    }

    /// Stops everything once; returns the futures of the backend connections' closing.
    private func shutDown() -> [EventLoopFuture<Void>] {
        guard !closed else { return [] }
        closed = true
        tick?.cancel()
        graceDeadline?.cancel()
        context.links.remove(chargePointId, token: ObjectIdentifier(self))
        if started { context.snapshots.keep(session.snapshot, for: chargePointId) }
        let stopping = connectors.values.map { $0.stop() }
        connectors.removeAll()
        return stopping
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
        case .attemptFailed:
            // A backend that is down does not hold up the charge point's first messages: they
            // go on to the others now (a backend that connects later gets the boot replayed).
            if awaitingFirstConnection.remove(index) != nil, awaitingFirstConnection.isEmpty { releaseHeldMessages() }
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
        if let effects = session.reloadPolicy(view) {
            logger.info("policy reloaded", metadata: ["policyHash": "\(loaded.policy.sourceHash)"])
            connectBackends(view.reachableBackends)
            dispatch(effects)
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
