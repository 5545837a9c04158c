import OCPP
import Runtime

/// How one target of a charge-point call is served.
enum LegPlan {
    /// Send now: the payload for this backend and the paths redacted.
    case send(JSONValue, redacted: [String])
    /// Hold until the backend answers its BootNotification.
    case hold(JSONValue, redacted: [String])
    /// Hold until the backend answers its copy of the transaction's StartTransaction (its id).
    case awaitTransactionId(JSONValue, redacted: [String])
    /// The backend is disconnected: this copy is what it would have got (for a durable queue).
    case disconnected(JSONValue)
    /// A copy (not the responder's) of a transaction message, for the backend's durable queue
    /// (``SessionSettings/queuesTransactionCopies``): delivered from there, in order, until answered.
    case queued(JSONValue)
    /// Leave the backend out, and why.
    case skip(String)

    /// Why the backend is left out, if it is.
    var skipReason: String? {
        switch self {
        case .disconnected: "disconnected"
        case .queued: nil
        case .skip(let why): why
        case .send, .hold, .awaitTransactionId: nil
        }
    }
}

extension ChargePointSession {
    /// A text from the charge point: a CALL to route, or its answer to a backend's call.
    func chargePointText(_ text: String, into effects: inout [SessionEffect]) {
        let frame: OCPPFrame
        do { frame = try OCPPFrame(parsing: text) } catch {
            let code = error.errorCode(for: version)
            effects.append(.sendToChargePoint(Self.callError(id: error.messageId, code: code, description: error.reason)))
            var entry = record(.fromChargePoint, sender: "charge-point", action: "?", messageId: error.messageId,
                               verdict: .rejected(code: code))
            entry.reason = error.reason
            effects.append(.decision(entry))
            return
        }
        switch frame {
        case .call(let id, let action, let payload):
            chargePointCall(id: id, action: action, payload: payload, compactText: frame.compactPayloadText(in: text),
                            into: &effects)
        case .callResult, .callError:
            chargePointAnswer(frame, text: text, into: &effects)
        }
    }

    /// A CALL from the charge point: check it, route it, send each target its copy.
    ///
    /// `compactText`: the payload's own text, if the charge point sent it compact
    /// (``OCPPFrame/compactPayloadText(in:)``); copies are spliced from it where they can be.
    func chargePointCall(id: String, action: String, payload: JSONValue, compactText: Substring? = nil,
                         into effects: inout [SessionEffect]) {
        let asSent = compactText.map { (payload: payload, text: $0) }
        var entry = record(.fromChargePoint, sender: "charge-point", action: action, messageId: id, verdict: .forwarded)
        let details = settings.recordsDecisionDetails
        if details { entry.userPseudonym = userPseudonym(in: payload) }
        func reject(_ code: String, _ reason: String) {
            effects.append(.sendToChargePoint(Self.callError(id: id, code: code, description: reason)))
            entry.verdict = .rejected(code: code)
            entry.reason = reason
            effects.append(.decision(entry))
        }
        guard let spec = compiled.catalog.action(named: action) else {
            return reject("NotImplemented", "`\(action)` is not an ocpp \(version.rawValue) action")
        }
        guard spec.direction.chargePointMaySend else {
            return reject("NotSupported", "`\(action)` is sent by a central system, not by a charge point")
        }
        if let problem = violation(of: payload, against: spec.request) { return reject(problem.code, problem.message) }

        let transactionOwner = transactionOwner(ofChargePointCall: action, payload: payload)
        let decision = policy.route(action: action, payload: payload, transactionOwner: transactionOwner, now: now)
        entry.owner = decision.owner.map(name(of:))
        if details { entry.rule = location(of: decision.responderRule) }
        if case .reject(let code, let reason) = decision.outcome { return reject(code, reason) }

        // Plan every target first: a responder that cannot be reached fails the call before any
        // copy goes out, so the charge point's retry does not duplicate copies.
        let ownerName = decision.owner.map(name(of:))
        var plans: [(backend: Int, plan: LegPlan)] = []
        let responderIndex: Int? = if case .backend(let index)? = decision.responder { index } else { nil }
        for backend in decision.targets {
            var planned = plan(action: action, payload: payload, for: backend, ownerName: ownerName)
            if settings.queuesTransactionCopies, backend != responderIndex, Self.durablyQueuedActions.contains(action) {
                switch planned {
                case .send(let copy, _), .hold(let copy, _), .awaitTransactionId(let copy, _), .disconnected(let copy):
                    planned = .queued(copy)
                case .queued, .skip: break
                }
            }
            plans.append((backend, planned))
        }
        for (backend, plan) in plans where details {
            if let why = plan.skipReason { entry.skipped[name(of: backend)] = why }
        }
        var responder: Int?
        switch decision.responder {
        case .backend(let index)?:
            responder = index
            entry.responder = name(of: index)
            if let refusal = plans.first(where: { $0.backend == index })?.plan.skipReason {
                if refusal == "disconnected", settings.queuesTransactionCopies,
                    settings.acceptsTransactionsFor.contains(name(of: index)), Self.durablyQueuedActions.contains(action),
                    let planIndex = plans.firstIndex(where: { $0.backend == index }),
                    case .disconnected(let copy) = plans[planIndex].plan
                {
                    // `offline.acceptTransactions`: the gateway answers for the absent owner and
                    // queues the owner's copy like any other; a StartTransaction gets a provisional
                    // id, which the owner's own id replaces on its queued messages when it returns.
                    plans[planIndex].plan = .queued(copy)
                    entry.skipped[name(of: index)] = nil
                    entry.verdict = .answeredByGateway
                    entry.reason = "answered on behalf of `\(name(of: index))`, which is not connected"
                    var answer = JSONObject()
                    if action == "StartTransaction" {
                        let provisional = provisionalTransactionId()
                        answer["transactionId"] = .integer(provisional)
                        answer["idTagInfo"] = ["status": "Accepted"]
                        transactions.open(TransactionTable.Transaction(chargePointId: provisional,
                                                                        connectorId: payload["connectorId"]?.intValue,
                                                                        owner: decision.owner, backendIds: [:]))
                    } else if action == "StopTransaction", let ended = payload["transactionId"]?.intValue {
                        transactions.close(chargePointId: ended)
                    }
                    effects.append(.sendToChargePoint(OCPPFrame.callResult(id: id, payload: .object(answer)).serialized))
                    nextCallToken += 1
                    dispatch(plans, action: action,
                             call: ChargePointCall(messageId: id, action: action, responder: nil, answered: true, openLegs: 0),
                             token: nextCallToken, asSent: asSent, entry: &entry, into: &effects)
                    effects.append(.decision(entry))
                    return
                }
                if refusal == "disconnected", !settings.answersTransactionsWithoutResponder,
                    action == "StartTransaction" || action == "StopTransaction"
                {
                    // No answer at all: the charge point keeps the message and sends it again
                    // (OCPP 1.6 §4.x transaction-related messages), and no copy went out.
                    let reason = Self.unreachable(responder: name(of: index), skipped: refusal)
                    effects.append(.ignored(from: .chargePoint, text: "",
                                            reason: "`\(action)` \(id) not answered, for the charge point to send it again: \(reason)"))
                    entry.verdict = .rejected(code: "NoAnswer")
                    entry.reason = reason
                    effects.append(.decision(entry))
                    return
                }
                return reject("InternalError", Self.unreachable(responder: name(of: index), skipped: refusal))
            }
        case .gateway?:
            entry.responder = "gateway"
        case nil:
            return reject("InternalError", "policy `\(compiled.name)` names nobody to answer `\(action)`")
        }

        // The gateway's own answer goes first: copies never delay it.
        var call = ChargePointCall(messageId: id, action: action, responder: responder, answered: responder == nil,
                                   openLegs: 0)
        if case .gatewayAnswers(let answer) = decision.outcome {
            entry.verdict = .answeredByGateway
            let result = GatewayAnswers.payload(answer, now: now, heartbeatInterval: settings.heartbeatInterval)
            effects.append(.sendToChargePoint(OCPPFrame.callResult(id: id, payload: result).serialized))
        }
        if action == "StartTransaction" {
            call.start = PendingStart(connectorId: payload["connectorId"]?.intValue, owner: decision.owner)
        }
        if action == "StopTransaction" { call.stopTransactionId = payload["transactionId"]?.intValue }
        if action == "BootNotification" { boot = CachedBoot(payload: payload, targets: decision.targets) }

        nextCallToken += 1
        dispatch(plans, action: action, call: call, token: nextCallToken, asSent: asSent, entry: &entry, into: &effects)
        effects.append(.decision(entry))
    }

    /// Carries out the plans of call `token`: sends, holds and reports each target's copy, and
    /// keeps the call while any leg is open. Copies are spliced from `asSent`, the charge point's
    /// payload and its compact text, where they can be (``compactText(of:redacted:action:asSent:)``).
    func dispatch(_ plans: [(backend: Int, plan: LegPlan)], action: String, call: ChargePointCall, token: Int,
                  asSent: (payload: JSONValue, text: Substring)?, entry: inout DecisionRecord,
                  into effects: inout [SessionEffect]) {
        var call = call
        let details = settings.recordsDecisionDetails
        for (backend, plan) in plans {
            switch plan {
            case .skip:
                continue
            case .disconnected(let copy):
                effects.append(.notDelivered(backend: backend, action: action, payload: copy, reason: "disconnected"))
            case .queued(let copy):
                if details { entry.targets.append(name(of: backend)) }
                effects.append(.notDelivered(backend: backend, action: action, payload: copy, reason: "queued"))
            case .send(let copy, let redacted):
                if details, !redacted.isEmpty { entry.redacted[name(of: backend)] = redacted }
                if details { entry.targets.append(name(of: backend)) }
                links[backend].triggered.remove(action)
                if action == "BootNotification" { links[backend].registration = .awaitingBoot }
                let text = openLeg(to: backend, kind: .call(token: token), action: action, payload: copy,
                                   compactPayload: compactText(of: copy, redacted: redacted, action: action, asSent: asSent))
                effects.append(.sendToBackend(backend, text))
                call.openLegs += 1
            case .hold(let copy, let redacted):
                if details, !redacted.isEmpty { entry.redacted[name(of: backend)] = redacted }
                if details { entry.targets.append(name(of: backend)) }
                links[backend].held.append(BackendLink.HeldLeg(token: token, action: action, payload: copy))
                call.openLegs += 1
            case .awaitTransactionId(let copy, let redacted):
                if details, !redacted.isEmpty { entry.redacted[name(of: backend)] = redacted }
                if details { entry.targets.append(name(of: backend)) }
                links[backend].awaitingTransactionId.append(BackendLink.HeldLeg(token: token, action: action, payload: copy))
                call.openLegs += 1
            }
        }
        if call.openLegs > 0 { calls[token] = call }
    }

    /// The compact text of `copy`, a target's copy of the charge point's payload, when it can be
    /// spliced from the charge point's own (`asSent`): nothing redacted, and the transaction id,
    /// if translated, the only change.
    func compactText(of copy: JSONValue, redacted: [String], action: String,
                     asSent: (payload: JSONValue, text: Substring)?) -> Substring? {
        guard let asSent, redacted.isEmpty else { return nil }
        guard Self.translatesTransactionIds(ofChargePointCall: action) else { return asSent.text }
        // The translation leaves the payload, sets its `transactionId`, or adds or removes a
        // member: the same names in the same order leave `transactionId` the only possible change.
        guard case .object(let original) = asSent.payload, case .object(let translated) = copy,
            original.members.count == translated.members.count,
            zip(original.members, translated.members).allSatisfy({ $0.key == $1.key })
        else { return nil }
        switch translated["transactionId"] {
        case nil: return asSent.text
        case .number(let id)?: return OCPPFrame.replacingMember("transactionId", in: asSent.text, with: id).map { Substring($0) }
        default: return nil
        }
    }

    /// How `backend` gets this call: its state, its transaction ids and its redactions decide.
    func plan(action: String, payload: JSONValue, for backend: Int, ownerName: String?) -> LegPlan {
        let link = links[backend]
        let isBoot = action == "BootNotification"
        if link.connected, !isBoot, let refusal = link.registration.refusal,
            refusal == "Rejected" || !link.triggered.contains(action)
        {
            return .skip(refusal)
        }
        if awaitsTransactionId(action: action, payload: payload, backend: backend) {
            // Redacted now; the backend's id goes in when it is known.
            let redactions = compiled.redactions(action: action, inResponse: false, backend: backend)
            let (copy, redacted) = redactor.apply(redactions, to: payload, owner: ownerName)
            return .awaitTransactionId(copy, redacted: redacted)
        }
        guard let translated = translateTransactionId(ofChargePointCall: action, payload: payload, for: backend) else {
            return .skip("no transaction id of its own")
        }
        let redactions = compiled.redactions(action: action, inResponse: false, backend: backend)
        let (copy, redacted) = redactor.apply(redactions, to: translated, owner: ownerName)
        guard link.connected, !link.queueing || !Self.durablyQueuedActions.contains(action) else { return .disconnected(copy) }
        if !isBoot, link.registration == .awaitingBoot { return .hold(copy, redacted: redacted) }
        return .send(copy, redacted: redacted)
    }

    /// A transaction id the gateway gives on an absent owner's behalf: at least 1,000,000,000 (so
    /// it stands out, and stays within 32 bits), from the clock, not open on this charge point.
    func provisionalTransactionId() -> Int {
        var id = 1_000_000_000 + Int((now * 10).rounded()) % 1_000_000_000
        while transactions.open[id] != nil { id = id >= 1_999_999_999 ? 1_000_000_000 : id + 1 }
        return id
    }

    /// Why the responder cannot answer, for the charge point's CALLERROR.
    static func unreachable(responder: String, skipped: String) -> String {
        switch skipped {
        case "disconnected": "responder `\(responder)` is not connected"
        case "Pending", "Rejected": "responder `\(responder)` has not accepted the charge point (\(skipped))"
        default: "responder `\(responder)` cannot take it: \(skipped)"
        }
    }
}
