import Foundation
#if canImport(Glibc)
import Glibc
#endif
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

    // Durable store (see docs/store.md, "Wiring"): while a write is in flight the link is paused:
    // the effects of the input that caused it, and every later input, wait until it commits.
    /// A store write is in flight.
    private var storeBusy = false
    /// Inputs that arrived while a write was in flight, in order.
    private var waiting: [LinkInput] = []
    /// StartTransactions recorded and forwarded, awaiting the responder's answer: the charge
    /// point's message id → the transaction record.
    private var pendingStarts: [String: Int64] = [:]
    /// Backends whose durable queue is not known to be empty: live calls for them are queued.
    private var queueing: Set<Int> = []
    /// The latest StatusNotification per connector each absent backend missed (its own copy,
    /// redacted for it), sent when it is back and its queue delivered. In memory.
    private var missedStatus: [Int: [Int: JSONValue]] = [:]
    /// Message ids of those StatusNotifications, whose answers the link consumes.
    private var statusReplays: Set<String> = []
    /// Authorize calls forwarded to their responder: the charge point's message id → (responder, idTag pseudonym).
    private var pendingAuthorizations: [String: (backend: String, idTag: String)] = [:]
    /// Backends with entries appended since their queue was last found empty.
    private var pendingDelivery: Set<Int> = []
    /// Backends whose queue is being delivered, with the entry awaiting its answer.
    private var drains: [Int: QueuedMessage?] = [:]
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
        settings.queuesTransactionCopies = context.store != nil
        settings.acceptsTransactionsFor = Set(context.config.backends.filter(\.offline.acceptTransactions).map(\.name))
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

    /// Restores what an earlier connection left (in memory, else from the store after a
    /// restart) and connects to the backends; the charge point's first messages wait for those
    /// connections (up to the grace time) and for the store's snapshot.
    private func takeOver() {
        guard !started, !closed else { return }
        started = true
        var restoredFromMemory = false
        if let snapshot = context.snapshots.take(for: chargePointId) {
            session.restore(snapshot)
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

    private func timePassed() {
        guard started, !closed, !storeBusy else { return }
        process(session.handle(.tick(now: Date().timeIntervalSince1970)), trigger: nil)
    }

    /// The store's snapshot is read (a restart): take it up, then what waited.
    private func restored(_ snapshot: SessionSnapshot?) {
        if let snapshot { session.restore(snapshot) }
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
    private func firstConnectionSettled(_ index: Int) {
        if awaitingFirstConnection.remove(index) != nil, awaitingFirstConnection.isEmpty { releaseHeldMessages() }
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

    /// Stops everything once, keeping the session's snapshot (in memory and in the store);
    /// returns the futures of the backend connections' closing.
    private func shutDown() -> [EventLoopFuture<Void>] {
        guard !closed else { return [] }
        closed = true
        tick?.cancel()
        graceDeadline?.cancel()
        context.links.remove(chargePointId, token: ObjectIdentifier(self))
        if started {
            let snapshot = session.snapshot
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
            if context.store != nil {
                queueing.insert(index)
                session.setQueueing(index, true)
            }
            process(session.handle(.backendDisconnected(index)), trigger: nil)
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
            if deliveredAnswer(from: index, text: text) { return }
            process(session.handle(.backendText(backend: index, text)), trigger: nil)
            startDelivery(to: index)
        }
    }

    /// Handles what waited for a store write, in order, until the next write pauses the link.
    private func resumeWaiting() {
        while !storeBusy, !waiting.isEmpty, !closed {
            let input = waiting.removeFirst()
            switch input {
            case .chargePoint(let text): didReceive(text: text)
            case .backend(let index, let event): backend(index, didEmit: event)
            }
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
            process(effects, trigger: nil)
        } else {
            logger.warning("reloaded policy not applied to this charge point until it reconnects: its backends changed",
                           metadata: ["policyHash": "\(loaded.policy.sourceHash)"])
        }
    }

    // MARK: Effects

    /// What a store write before a batch of effects did.
    private enum WriteOutcome: Sendable {
        /// Committed: carry the effects out.
        case committed(record: Int64?, dropped: [QueueDrop])
        /// A replayed StartTransaction: answer with the recorded id, forward nothing.
        case replay(TransactionRecord)
    }

    /// What a charge-point transaction message asks the store to keep.
    private enum TransactionWrite: Sendable {
        case start(TransactionStart)
        case stop(TransactionStop)
    }

    /// Carries out a batch of effects, after the store has kept what it must: the queue entries
    /// for absent backends, the transaction record of a StartTransaction or StopTransaction, the
    /// responder's transaction id. Until the write commits, nothing of the batch happens and later
    /// inputs wait: the charge point gets no answer for what the gateway has not kept.
    private func process(_ effects: [SessionEffect], trigger: String?) {
        let effects = authorizeOffline(effects, trigger: trigger)
        guard let store = context.store else { return execute(effects) }
        var drafts: [OutboundDraft] = []
        let now = Date()
        for case .notDelivered(let index, let action, let payload, _) in effects where Self.queuedActions.contains(action) {
            drafts.append(OutboundDraft(queue: QueueKey(chargePoint: chargePointId, backend: name(of: index)), action: action,
                                        payload: payload, enqueuedAt: now))
        }
        var callId: String?
        var transaction: TransactionWrite?
        if let trigger, case .call(let id, let action, let payload)? = try? OCPPFrame(parsing: trigger),
            Self.queuedActions.contains(action), let decision = Self.decision(for: id, in: effects),
            decision.verdict == .forwarded || decision.verdict == .answeredByGateway
        {
            callId = id
            transaction = self.transaction(action: action, payload: payload, owner: decision.owner)
        }
        if transaction == nil, drafts.isEmpty { callId = nil }
        // A StartTransaction the gateway answered itself (for an absent owner): its provisional id.
        var provisionalId: Int?
        if case .start? = transaction, let callId {
            for case .sendToChargePoint(let text) in effects {
                if case .callResult(callId, let payload)? = try? OCPPFrame(parsing: text) { provisionalId = payload["transactionId"]?.intValue }
            }
        }
        var answeredStart: (record: Int64, id: Int)?
        for case .sendToChargePoint(let text) in effects {
            if case .callResult(let id, let payload)? = try? OCPPFrame(parsing: text), let record = pendingStarts[id] {
                pendingStarts[id] = nil
                if let assigned = payload["transactionId"]?.intValue { answeredStart = (record, assigned) }
            }
        }
        // A BootNotification changes the snapshot (the boot replayed to backends after a restart).
        var bootSeen = false
        if let trigger, case .call(_, "BootNotification", _)? = try? OCPPFrame(parsing: trigger) { bootSeen = true }
        guard callId != nil || !drafts.isEmpty || answeredStart != nil || bootSeen else { return execute(effects) }

        if Self.crashPoint == "after-receive-before-store", callId != nil { Self.crash() }
        storeBusy = true
        let snapshot = session.snapshot
        let chargePointId = chargePointId
        let loop = connection.eventLoop
        let link = NIOLoopBound(WeakLink(self), eventLoop: loop)
        let batch = drafts
        let write = transaction
        let call = callId
        Task {
            let result: Result<WriteOutcome, StoreError>
            do throws(StoreError) {
                var record: Int64?
                var dropped: [QueueDrop] = []
                var replay: TransactionRecord?
                switch write {
                case .start(let start)?:
                    let outcome = try await store.recordStart(start, enqueue: batch)
                    if outcome.isReplay { replay = outcome.record } else { record = outcome.record.id }
                    if let provisionalId, !outcome.isReplay {
                        try await store.recordChargePointTransactionId(provisionalId, record: outcome.record.id)
                        record = nil
                    }
                    dropped = outcome.appended.flatMap(\.dropped)
                case .stop(let stop)?:
                    dropped = try await store.recordStop(stop, enqueue: batch).appended.flatMap(\.dropped)
                case nil:
                    if !batch.isEmpty { dropped = try await store.appendBatch(batch).flatMap(\.dropped) }
                }
                if let answeredStart {
                    try await store.recordChargePointTransactionId(answeredStart.id, record: answeredStart.record)
                }
                if let replay {
                    result = .success(.replay(replay))
                } else {
                    try await store.saveSnapshot(snapshot, chargePoint: chargePointId)
                    result = .success(.committed(record: record, dropped: dropped))
                }
            } catch {
                result = .failure(error)
            }
            loop.execute { link.value.link?.written(result, effects: effects, callId: call, queued: batch) }
        }
    }

    /// A store write before `effects` ended.
    private func written(_ result: Result<WriteOutcome, StoreError>, effects: [SessionEffect], callId: String?,
                         queued: [OutboundDraft]) {
        storeBusy = false
        switch result {
        case .success(.committed(let record, let dropped)):
            for drop in dropped {
                logger.warning("queue limit dropped messages", metadata: [
                    "backend": "\(drop.queue.backend)", "reason": "\(drop.reason.rawValue)", "count": "\(drop.entries.count)",
                    "messages": "\(drop.entries.map { "\($0.action) \($0.messageId)" }.joined(separator: ", "))",
                ])
            }
            if Self.crashPoint == "after-store-before-forward", callId != nil { Self.crash() }
            if let record, let callId { pendingStarts[callId] = record }
            execute(effects)
        case .success(.replay(let record)):
            guard let callId else { break }
            if let id = record.chargePointTransactionId {
                // Answered before: the same id again, and nothing goes to any backend.
                session.abandonCall(messageId: callId)
                logger.notice("replayed StartTransaction recognised: answered with its id, nothing forwarded",
                              metadata: ["transactionId": "\(id)"])
                let answer: JSONValue = ["transactionId": .integer(id), "idTagInfo": ["status": "Accepted"]]
                connection.send(text: OCPPFrame.callResult(id: callId, payload: answer).serialized)
            } else {
                // Recorded, never answered (the gateway stopped before the responder's answer, or
                // it is still on its way): the responder gets it again, since OCPP has no other
                // way to learn its id; the copies queued with the first attempt are not queued again.
                logger.notice("replayed StartTransaction without an answer yet: sent to its responder again")
                pendingStarts[callId] = record.id
                execute(effects.filter { if case .notDelivered = $0 { false } else { true } })
            }
        case .failure(let error):
            logger.critical("the store cannot keep this charge point's messages", metadata: [
                "error": "\(error)", "refusesNewTransactions": "\(error.refusesNewTransactions)",
            ])
            if let callId {
                // Refused: the charge point keeps the message and tries again later.
                session.abandonCall(messageId: callId)
                connection.send(text: ChargePointSession.callError(
                    id: callId, code: "InternalError", description: "the gateway cannot store transactions: \(error)"))
            } else {
                execute(effects)
            }
        }
        if case .success(.committed) = result {
            for draft in queued {
                guard let index = session.policy.policy.backends.firstIndex(of: draft.queue.backend) else { continue }
                pendingDelivery.insert(index)
                startDelivery(to: index)
            }
        }
        for index in queueing.union(pendingDelivery) where drains[index] == nil { startDelivery(to: index) }
        resumeWaiting()
    }

    /// Authorize and the owner's cache (`offline.authorizeCacheTTL`): an Authorize whose responder
    /// is absent is answered from its recent Accepted answer for that idTag, if young enough; the
    /// responder's Accepted answers are remembered as they pass to the charge point.
    private func authorizeOffline(_ effects: [SessionEffect], trigger: String?) -> [SessionEffect] {
        var effects = effects
        if let trigger, case .call(let id, "Authorize", let payload)? = try? OCPPFrame(parsing: trigger),
            let idTag = payload["idTag"]?.stringValue, let decision = Self.decision(for: id, in: effects),
            let responder = decision.responder, let backend = context.config.backend(named: responder)
        {
            let pseudonym = context.redactor.pseudonym(idTag, caseInsensitive: true, maxLength: 16)
            if decision.verdict == .forwarded {
                pendingAuthorizations[id] = (responder, pseudonym)
            } else if let ttl = backend.offline.authorizeCacheTTL,
                let index = effects.firstIndex(where: { effect in
                    guard case .sendToChargePoint(let text) = effect,
                        case .callError(id, "InternalError", let description, _)? = try? OCPPFrame(parsing: text)
                    else { return false }
                    return description.hasSuffix("is not connected")
                }),
                let idTagInfo = context.authorizeCache.lookup(backend: responder, idTag: pseudonym, ttl: ttl)
            {
                logger.notice("Authorize answered from the cache of an absent backend's answers", metadata: ["backend": "\(responder)"])
                effects[index] = .sendToChargePoint(OCPPFrame.callResult(id: id, payload: ["idTagInfo": idTagInfo]).serialized)
            }
        }
        guard !pendingAuthorizations.isEmpty else { return effects }
        for case .sendToChargePoint(let text) in effects {
            switch try? OCPPFrame(parsing: text) {
            case .callResult(let id, let payload)?:
                guard let (backend, idTag) = pendingAuthorizations.removeValue(forKey: id) else { continue }
                if let info = payload["idTagInfo"], info["status"]?.stringValue == "Accepted" {
                    context.authorizeCache.accepted(info, backend: backend, idTag: idTag)
                } else {
                    context.authorizeCache.forget(backend: backend, idTag: idTag)
                }
            case .callError(let id, _, _, _)?:
                pendingAuthorizations[id] = nil
            default:
                continue
            }
        }
        return effects
    }

    /// The record a charge-point transaction message asks for.
    private func transaction(action: String, payload: JSONValue, owner: String?) -> TransactionWrite? {
        let time = payload["timestamp"]?.stringValue.flatMap(RFC3339Time.parse).map { Date(timeIntervalSince1970: $0) } ?? Date()
        switch action {
        case "StartTransaction":
            guard let connector = payload["connectorId"]?.intValue, let idTag = payload["idTag"]?.stringValue else { return nil }
            return .start(TransactionStart(chargePoint: chargePointId, connectorId: connector,
                                           idTag: context.redactor.pseudonym(idTag, caseInsensitive: true, maxLength: 12),
                                           startedAt: time, meterStart: payload["meterStart"]?.intValue ?? 0, owner: owner))
        case "StopTransaction":
            guard let id = payload["transactionId"]?.intValue else { return nil }
            return .stop(TransactionStop(chargePoint: chargePointId, chargePointTransactionId: id, stoppedAt: time,
                                         meterStop: payload["meterStop"]?.intValue ?? 0, reason: payload["reason"]?.stringValue))
        default:
            return nil
        }
    }

    /// The decision the session logged for the charge point's call `id`.
    private static func decision(for id: String, in effects: [SessionEffect]) -> DecisionRecord? {
        for case .decision(let record) in effects where record.messageId == id && record.direction == .fromChargePoint {
            return record
        }
        return nil
    }

    private func name(of index: Int) -> String {
        let backends = session.policy.policy.backends
        return backends.indices.contains(index) ? backends[index] : "backend-\(index)"
    }

    private func execute(_ effects: [SessionEffect]) {
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
            case .notDelivered(let index, "StatusNotification", let payload, _):
                // Not queued one by one: the backend gets each connector's latest state on return.
                let connector = payload["connectorId"]?.intValue ?? 0
                missedStatus[index, default: [:]][connector] = payload
                logger.info("StatusNotification kept for an absent backend (latest per connector)", metadata: [
                    "backend": "\(name(of: index))", "connectorId": "\(connector)",
                ])
            case .notDelivered(let index, let action, _, let reason):
                if context.store != nil, Self.queuedActions.contains(action) {
                    logger.info("message queued for an absent backend", metadata: [
                        "backend": "\(name(of: index))", "action": "\(action)", "reason": "\(reason)",
                    ])
                } else {
                    logger.warning("message not delivered", metadata: [
                        "backend": "\(name(of: index))", "action": "\(action)", "reason": "\(reason)",
                    ])
                }
            case .ignored(let peer, let text, let reason):
                logger.notice("message ignored", metadata: [
                    "from": "\(peer)", "reason": "\(reason)", "frame": "\(Self.summary(text))",
                ])
            }
        }
    }

    // MARK: Delivering queues

    /// Starts delivering backend `index`'s queue if it is ready and not already being delivered.
    private func startDelivery(to index: Int) {
        guard context.store != nil, !closed, queueing.contains(index) || pendingDelivery.contains(index), drains[index] == nil,
            session.isReadyForQueued(index), connectors[index]?.isConnected == true
        else { return }
        drains[index] = .some(nil)
        deliverNext(to: index)
    }

    /// Reads the queue's first entry and sends it, with its stored message id.
    private func deliverNext(to index: Int) {
        guard let store = context.store else { return }
        let key = QueueKey(chargePoint: chargePointId, backend: name(of: index))
        let loop = connection.eventLoop
        let link = NIOLoopBound(WeakLink(self), eventLoop: loop)
        Task {
            let result = await ChargePointLink.firstDeliverable(key, store: store)
            loop.execute { link.value.link?.readQueue(index, result) }
        }
    }

    /// A queued entry ready to send.
    struct Deliverable: Sendable {
        var entry: QueuedMessage
        /// `nil`: not sendable (see ``deliverable(_:store:)``).
        var payload: JSONValue?
    }

    private static func firstDeliverable(_ key: QueueKey, store: any GatewayStore) async -> Result<Deliverable?, StoreError> {
        do throws(StoreError) {
            guard let entry = try await store.peek(key, limit: 1).first else { return .success(nil) }
            return .success(Deliverable(entry: entry, payload: try await deliverable(entry, store: store)))
        } catch {
            return .failure(error)
        }
    }

    /// The payload to send for a queued entry: a MeterValues or StopTransaction queued before the
    /// backend had its own transaction id gets it now; `nil` when it still has none (its start
    /// never reached it): a StopTransaction is then not sendable.
    private static func deliverable(_ entry: QueuedMessage, store: any GatewayStore) async throws(StoreError) -> JSONValue? {
        guard case .object(var object) = entry.payload, let chargePointId = object[ChargePointSession.pendingTransactionIdKey]?.intValue
        else { return entry.payload }
        object[ChargePointSession.pendingTransactionIdKey] = nil
        let records = try await store.transactions(TransactionQuery(chargePoint: entry.queue.chargePoint))
        if let own = records.last(where: { $0.chargePointTransactionId == chargePointId })?.backendIds[entry.queue.backend] {
            object["transactionId"] = .integer(own)
        } else if entry.action == "MeterValues" {
            object["transactionId"] = nil
        } else {
            return nil
        }
        return .object(object)
    }

    private func readQueue(_ index: Int, _ result: Result<Deliverable?, StoreError>) {
        guard !closed, drains[index] != nil else { return }
        switch result {
        case .failure(let error):
            logger.error("cannot read a backend's queue", metadata: ["backend": "\(name(of: index))", "error": "\(error)"])
            drains[index] = nil
        case .success(nil):
            drains[index] = nil
            // A write in flight may be appending to this queue: look again once it committed.
            guard !storeBusy else { return }
            queueing.remove(index)
            pendingDelivery.remove(index)
            session.setQueueing(index, false)
            sendMissedStatus(to: index)
            firstConnectionSettled(index)
        case .success(let next?):
            let entry = next.entry
            guard let payload = next.payload else {
                logger.warning("queued message dropped: the backend has no transaction id for it", metadata: [
                    "backend": "\(name(of: index))", "action": "\(entry.action)", "messageId": "\(entry.messageId)",
                ])
                acknowledge(entry, index: index, backendTransactionId: nil)
                return
            }
            guard connectors[index]?.send(text: OCPPFrame.call(id: entry.messageId, action: entry.action, payload: payload).serialized) == true
            else {
                drains[index] = nil
                return
            }
            drains[index] = .some(entry)
        }
    }

    /// Sends a returning backend the latest StatusNotification of each connector it missed.
    private func sendMissedStatus(to index: Int) {
        guard let missed = missedStatus.removeValue(forKey: index) else { return }
        for (_, payload) in missed.sorted(by: { $0.key < $1.key }) {
            let id = UUID().uuidString.lowercased()
            if connectors[index]?.send(text: OCPPFrame.call(id: id, action: "StatusNotification", payload: payload).serialized) == true {
                statusReplays.insert(id)
            } else {
                missedStatus[index, default: [:]][payload["connectorId"]?.intValue ?? 0] = payload
            }
        }
    }

    /// A backend's answer to the queued entry it was sent; `false` for any other text.
    private func deliveredAnswer(from index: Int, text: String) -> Bool {
        if !statusReplays.isEmpty, let frame = try? OCPPFrame(parsing: text) {
            switch frame {
            case .callResult(let id, _), .callError(let id, _, _, _):
                if statusReplays.remove(id) != nil { return true }
            case .call:
                break
            }
        }
        guard case .some(.some(let entry)) = drains[index], let frame = try? OCPPFrame(parsing: text) else { return false }
        switch frame {
        case .callResult(let id, let payload) where id == entry.messageId:
            drains[index] = .some(nil)
            acknowledge(entry, index: index,
                        backendTransactionId: entry.action == "StartTransaction" ? payload["transactionId"]?.intValue : nil)
            return true
        case .callError(let id, let code, _, _) where id == entry.messageId:
            // An error will not improve by sending it again: log it and go on.
            logger.warning("a backend refused a queued message", metadata: [
                "backend": "\(name(of: index))", "action": "\(entry.action)", "messageId": "\(entry.messageId)", "code": "\(code)",
            ])
            drains[index] = .some(nil)
            acknowledge(entry, index: index, backendTransactionId: nil)
            return true
        default:
            return false
        }
    }

    /// Removes a delivered entry (recording the backend's id for a late StartTransaction), then
    /// delivers the next.
    private func acknowledge(_ entry: QueuedMessage, index: Int, backendTransactionId: Int?) {
        guard let store = context.store else { return }
        // A backend's own id for a transaction must be known before anything that backend sends
        // next (a SetChargingProfile or RemoteStop naming that id): pause like any store write.
        let learnsId = backendTransactionId != nil && entry.transactionRecord != nil
        if learnsId { storeBusy = true }
        let loop = connection.eventLoop
        let link = NIOLoopBound(WeakLink(self), eventLoop: loop)
        Task {
            var chargePointTransactionId: Int?
            do throws(StoreError) {
                if let backendTransactionId, let record = entry.transactionRecord {
                    try await store.recordBackendTransactionId(backendTransactionId, backend: entry.queue.backend, record: record)
                    chargePointTransactionId = try await store.transaction(record: record)?.chargePointTransactionId
                }
                try await store.acknowledge(entry.queue, sequence: entry.sequence)
            } catch {
                loop.execute { link.value.link?.deliveryFailed(index, error, resume: learnsId) }
                return
            }
            let learnt = chargePointTransactionId
            loop.execute {
                link.value.link?.acknowledged(index, backendTransactionId: backendTransactionId, chargePointTransactionId: learnt,
                                              resume: learnsId)
            }
        }
    }

    private func acknowledged(_ index: Int, backendTransactionId: Int?, chargePointTransactionId: Int?, resume: Bool) {
        if let backendTransactionId, let chargePointTransactionId {
            session.recordLateBackendId(backendTransactionId, backend: index, chargePointTransactionId: chargePointTransactionId)
        }
        if resume {
            storeBusy = false
            resumeWaiting()
        }
        guard !closed, drains[index] != nil else { return }
        deliverNext(to: index)
    }

    private func deliveryFailed(_ index: Int, _ error: StoreError, resume: Bool) {
        logger.error("cannot acknowledge a delivered queue entry", metadata: ["backend": "\(name(of: index))", "error": "\(error)"])
        drains[index] = nil
        if resume {
            storeBusy = false
            resumeWaiting()
        }
    }

    // MARK: Test hooks

    /// `CHARGEMUX_TEST_CRASH_AT`, read once: TEST ONLY. The gateway kills itself with SIGKILL at
    /// that point, for the crash tests: `after-receive-before-store` (a transaction message
    /// routed, nothing stored, forwarded or answered), `after-store-before-forward` (a transaction message is
    /// stored, nothing forwarded or answered), `after-forward-before-answer` (a backend's answer
    /// to a forwarded StartTransaction arrived, not yet relayed).
    static let crashPoint: String? = ProcessInfo.processInfo.environment["CHARGEMUX_TEST_CRASH_AT"]

    static func crash() -> Never {
        kill(getpid(), SIGKILL)
        fatalError("SIGKILL did not end the process")
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

/// An input the link handles in order (held while a store write is in flight).
enum LinkInput {
    case chargePoint(String)
    case backend(Int, BackendConnector.Event)
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
