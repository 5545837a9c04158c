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
    var session: ChargePointSession
    var generation: Int
    /// Connectors by the policy's backend index.
    var connectors: [Int: BackendConnector] = [:]
    var tick: LinkTicks.Registration?
    var closed = false
    /// Whether the link has taken over (restored the session, connected onward); until then the
    /// charge point's messages are held while an older connection of it retires.
    var started = false
    /// The retirement of the link this one replaces (and of the one that replaced), if any.
    var predecessorRetired: EventLoopFuture<Void>?
    /// Backends whose first connection is still being made; the charge point's messages wait.
    var awaitingFirstConnection: Set<Int> = []
    /// Charge-point messages held until the first connections settle, in order.
    var held: [String] = []
    var graceDeadline: Scheduled<Void>?
    /// The most messages held; a charge point that sends more is served without waiting.
    static let maximumHeld = 64

    // Durable store (see docs/store.md, "Wiring"): while a write is in flight the link is paused:
    // the effects of the input that caused it, and every later input, wait until it commits.
    /// A store write is in flight.
    var storeBusy = false
    /// Inputs that arrived while a write was in flight, in order.
    var waiting: [LinkInput] = []
    /// StartTransactions recorded and forwarded, awaiting the responder's answer: the charge
    /// point's message id → the transaction record.
    var pendingStarts: [String: Int64] = [:]
    /// Backends whose durable queue is not known to be empty: live calls for them are queued.
    var queueing: Set<Int> = []
    /// The latest StatusNotification per connector each absent backend missed (its own copy,
    /// redacted for it), sent when it is back and its queue delivered. In memory.
    var missedStatus: [Int: [Int: JSONValue]] = [:]
    /// Message ids of those StatusNotifications, whose answers the link consumes.
    var statusReplays: Set<String> = []
    /// Authorize calls forwarded to their responder: the charge point's message id → (responder, idTag pseudonym).
    var pendingAuthorizations: [String: (backend: String, idTag: String)] = [:]
    /// Backends with entries appended since their queue was last found empty.
    var pendingDelivery: Set<Int> = []
    /// Backends whose queue is being delivered, with the entry awaiting its answer.
    var drains: [Int: QueuedMessage?] = [:]
    /// Caught-up backends' queues as the link knows them: committed, not yet answered entries, in
    /// order, sent from memory (see ChargePointLink+DirectDelivery). No key: read from the store.
    var mirrored: [Int: [QueuedMessage]] = [:]
    /// Removals of answered mirrored entries not yet committed, per backend.
    var acknowledgementsInFlight: [Int: Int] = [:]
    /// Backends whose queue got entries while a read of it was under way.
    var readRaced: Set<Int> = []
    /// Copies sent without a store row, by backend, awaiting their answer (ChargePointLink+AnswerGate).
    var openCopies: [Int: OpenCopy] = [:]
    /// Charge point calls whose answer waits for open copies, by message id.
    var gatedCalls: [String: GatedCall] = [:]
    /// Calls whose open copies are to be stored once the store write in flight is done.
    var copiesToStore: [String] = []
    /// Store completions come back through it, batched with other links' on this event loop.
    lazy var mailbox = context.mailboxes.mailbox(for: connection.eventLoop)
    /// The session snapshot as the link last wrote it to the store (`nil`: not known to be there).
    var savedSnapshot: SessionSnapshot?
    /// The actions kept in a backend's durable queue while it is absent.
    static let queuedActions = ChargePointSession.durablyQueuedActions

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
        var settings = SessionSettings(config: context.config)
        settings.messageIdPrefix = MessageIdGenerator.uniquePrefix()
        settings.queuesTransactionCopies = context.store != nil
        settings.acceptsTransactionsFor = Set(context.config.backends.filter(\.offline.acceptTransactions).map(\.name))
        // The decision line is logged at `info`: below that, its costly parts go unread.
        settings.recordsDecisionDetails = logger.logLevel <= .info
        self.session = ChargePointSession(chargePointId: identity.id, policy: view, redactor: context.redactor,
                                          settings: settings)
        if context.store != nil {
            for index in 0..<loaded.policy.backends.count {
                queueing.insert(index)
                session.setQueueing(index, true)
            }
        }
        // The listener creates links on the connection's event loop, where they stay.
        let eventLoop = connection.eventLoop
        eventLoop.preconditionInEventLoop()
        let link = NIOLoopBound(WeakLink(self), eventLoop: eventLoop)
        tick = context.ticks.register(on: eventLoop) { link.value.link?.timePassed() }
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

    /// Restores what an earlier connection left (in memory, else from the store after a
    /// restart) and connects to the backends; the charge point's first messages wait for those
    /// connections (up to the grace time) and for the store's snapshot.
    func takeOver() {
        guard !started, !closed else { return }
        started = true
        var restoredFromMemory = false
        if let snapshot = context.snapshots.take(for: chargePointId) {
            session.restore(snapshot)
            restoreMissedStatus(snapshot)
            restoredFromMemory = true
        }
        connectBackends(session.policy.reachableBackends)
        awaitingFirstConnection = Set(connectors.keys)
        let link = NIOLoopBound(WeakLink(self), eventLoop: connection.eventLoop)
        if let store = context.store {
            // The session's open transactions as the store last saw them (a restart): the link
            // waits for them before it handles anything.
            storeBusy = true
            let chargePointId = chargePointId
            let loop = connection.eventLoop
            let fromMemory = restoredFromMemory
            Task {
                let snapshot = fromMemory ? nil : try? await store.snapshot(chargePoint: chargePointId)
                loop.execute { link.value.link?.restored(snapshot) }
            }
        }
        guard !awaitingFirstConnection.isEmpty else {
            releaseHeldMessages()
            return
        }
        graceDeadline = connection.eventLoop.scheduleTask(in: context.initialConnectGrace) {
            link.value.link?.releaseHeldMessages()
        }
    }

    func timePassed() {
        guard started, !closed, !storeBusy else { return }
        process(session.handle(.tick(now: Date().timeIntervalSince1970)), trigger: nil)
        // A queue read or acknowledgement that failed is tried again here.
        if !storeBusy { resumeDeliveries() }
    }

    /// The store's snapshot is read (a restart): take it up, then what waited.
    func restored(_ snapshot: SessionSnapshot?) {
        if let snapshot {
            session.restore(snapshot)
            restoreMissedStatus(snapshot)
        }
        storeBusy = false
        resumeWaiting()
    }

    // MARK: Charge point

    func didReceive(text: String) {
        guard !closed else { return }
        if !started || !awaitingFirstConnection.isEmpty, held.count < Self.maximumHeld {
            held.append(text)
            return
        }
        if !started { takeOver() }
        if storeBusy {
            waiting.append(.chargePoint(text))
            return
        }
        refreshPolicy()
        process(session.handle(.chargePointText(text)), trigger: text)
    }

    /// Backend `index`'s first connection is up (and its queue delivered).
    func firstConnectionSettled(_ index: Int) {
        if awaitingFirstConnection.remove(index) != nil, awaitingFirstConnection.isEmpty { releaseHeldMessages() }
    }

    /// Ends the wait for first connections and handles what the charge point sent meanwhile.
    func releaseHeldMessages() {
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
    func retire() -> EventLoopFuture<Void> {
        let eventLoop = connection.eventLoop
        let stopped = shutDown() + [predecessorRetired].compactMap { $0 }
        return EventLoopFuture.andAllComplete(stopped, on: eventLoop)
    }

    /// Stops everything once, keeping the session's snapshot (in memory and in the store);
    /// returns the futures of the backend connections' closing.
    func shutDown() -> [EventLoopFuture<Void>] {
        guard !closed else { return [] }
        closed = true
        tick?.cancel()
        graceDeadline?.cancel()
        // Unanswered, the charge point sends those calls again.
        for gated in gatedCalls.values { gated.deadline?.cancel() }
        context.links.remove(chargePointId, token: ObjectIdentifier(self))
        if started {
            let snapshot = durableSnapshot
            context.snapshots.keep(snapshot, for: chargePointId)
            if let store = context.store {
                let chargePointId = chargePointId
                Task { try? await store.saveSnapshot(snapshot, chargePoint: chargePointId) }
            }
        }
        let stopping = connectors.values.map { $0.stop() }
        connectors.removeAll()
        return stopping
    }

    // MARK: Backends

    /// Called by the weak forwarder for connector `index`.
    func backend(_ index: Int, didEmit event: BackendConnector.Event) {
        guard !closed, connectors[index] != nil else { return }
        if storeBusy {
            waiting.append(.backend(index, event))
            return
        }
        refreshPolicy()
        switch event {
        case .connected:
            logger.info("backend connected", metadata: ["backend": "\(session.policy.policy.backends[index])"])
            if context.store != nil {
                // Live calls wait behind what is queued until the queue is delivered.
                queueing.insert(index)
                session.setQueueing(index, true)
            }
            process(session.handle(.backendConnected(index)), trigger: nil)
            // With a store, the first connection settles once its queue is delivered (or the
            // grace ends): the charge point's first messages must not find it still queueing.
            if context.store == nil { firstConnectionSettled(index) }
            startDelivery(to: index)
        case .disconnected(let code):
            logger.notice("backend disconnected", metadata: [
                "backend": "\(session.policy.policy.backends[index])",
                "closeCode": "\(code.map { "\(UInt16(webSocketErrorCode: $0))" } ?? "none")",
            ])
            // An entry awaiting its answer stays queued: it is sent again, with the same message id.
            drains[index] = nil
            mirrored[index] = nil
            if context.store != nil {
                queueing.insert(index)
                session.setQueueing(index, true)
            }
            process(session.handle(.backendDisconnected(index)), trigger: nil)
            // A copy it had not answered is stored: it goes again, from the store, when it is back.
            if let open = openCopies[index] { storeOpenCopies(of: open.callId) }
        case .attemptFailed:
            // A backend that is down does not hold up the charge point's first messages: they
            // go on to the others now (a backend that connects later gets the boot replayed).
            firstConnectionSettled(index)
        case .received(let text):
            if Self.crashPoint == "after-forward-before-answer", !pendingStarts.isEmpty,
                case .callResult? = try? OCPPFrame(parsing: text)
            {
                Self.crash()
            }
            if settlesOpenCopy(from: index, text: text) || deliveredAnswer(from: index, text: text) { return }
            process(session.handle(.backendText(backend: index, text)), trigger: nil)
            startDelivery(to: index)
        }
    }

    /// Handles what waited for a store write, in order, until the next write pauses the link.
    func resumeWaiting() {
        storeWaitingCopies()
        while !storeBusy, !waiting.isEmpty, !closed {
            let input = waiting.removeFirst()
            switch input {
            case .chargePoint(let text): didReceive(text: text)
            case .backend(let index, let event): backend(index, didEmit: event)
            }
        }
        if !storeBusy, !closed { resumeDeliveries() }
    }

    func connectBackends(_ reachable: TargetSet) {
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
    func refreshPolicy() {
        let loaded = context.policies.current
        guard loaded.generation != generation else { return }
        generation = loaded.generation
        let view = ChargePointPolicy(policy: loaded.policy, chargePoint: chargePointId)
        if let effects = session.reloadPolicy(view) {
            logger.info("policy reloaded", metadata: ["policyHash": "\(loaded.policy.sourceHash)"])
            connectBackends(view.reachableBackends)
            process(effects, trigger: nil)
        } else {
            logger.warning("reloaded policy not applied to this charge point until it reconnects: its backends changed",
                           metadata: ["policyHash": "\(loaded.policy.sourceHash)"])
        }
    }
}
