import OCPP
import Runtime

/// Backends calling the charge point: permission, the gateway's own refusals, one call at a time.
extension ChargePointSession {
    /// What a backend may still send while the charge point is Pending with it (OCPP 1.6 §4.2.1).
    static let pendingBackendActions: Set<String> = ["GetConfiguration", "ChangeConfiguration", "TriggerMessage"]

    /// A text from `backend`: its CALL for the charge point, or an answer to a gateway leg.
    func backendText(_ text: String, from backend: Int, into effects: inout [SessionEffect]) {
        let frame: OCPPFrame
        do { frame = try OCPPFrame(parsing: text) } catch {
            let code = error.errorCode(for: version)
            effects.append(.sendToBackend(backend, Self.callError(id: error.messageId, code: code, description: error.reason)))
            var entry = record(.fromBackend, sender: name(of: backend), action: "?", messageId: error.messageId,
                               verdict: .rejected(code: code))
            entry.reason = error.reason
            effects.append(.decision(entry))
            return
        }
        switch frame {
        case .call(let id, let action, let payload): backendCall(id: id, action: action, payload: payload, from: backend, into: &effects)
        case .callResult, .callError: backendAnswer(frame, text: text, from: backend, into: &effects)
        }
    }

    /// A backend's CALL: checked, authorised, translated and queued for the charge point.
    func backendCall(id: String, action: String, payload: JSONValue, from backend: Int, into effects: inout [SessionEffect]) {
        var entry = record(.fromBackend, sender: name(of: backend), action: action, messageId: id, verdict: .allowed)
        entry.userPseudonym = userPseudonym(in: payload)
        func refuse(_ code: String, _ reason: String, verdict: DecisionRecord.Verdict) {
            effects.append(.sendToBackend(backend, Self.callError(id: id, code: code, description: reason)))
            entry.verdict = verdict
            entry.reason = reason
            effects.append(.decision(entry))
        }
        guard let spec = compiled.catalog.action(named: action) else {
            return refuse("NotImplemented", "`\(action)` is not an ocpp \(version.rawValue) action",
                          verdict: .rejected(code: "NotImplemented"))
        }
        guard spec.direction.backendMaySend else {
            return refuse("NotSupported", "`\(action)` is sent by a charge point, not by a central system",
                          verdict: .rejected(code: "NotSupported"))
        }
        if let problem = violation(of: payload, against: spec.request) {
            return refuse(problem.code, problem.message, verdict: .rejected(code: problem.code))
        }
        if let reason = Self.linkProtectionRefusal(action: action, payload: payload) {
            return refuse("SecurityError", reason, verdict: .denied)
        }
        if let refusal = links[backend].registration.refusal,
            refusal == "Rejected" || !Self.pendingBackendActions.contains(action)
        {
            return refuse("GenericError",
                          "the charge point is \(refusal) at `\(name(of: backend))`: only GetConfiguration, "
                              + "ChangeConfiguration and TriggerMessage pass until it accepts the BootNotification",
                          verdict: .denied)
        }

        let (translated, owner) = translateTransactionId(ofBackendCall: action, payload: payload, from: backend)
        entry.owner = owner
        let permission = policy.authorize(backend: backend, action: action, payload: translated, transactionOwner: owner,
                                          now: now)
        entry.rule = location(of: permission.rule)
        guard permission.allowed else {
            let why = entry.rule ?? "no allow rule matches (default deny)"
            return refuse("SecurityError", "denied by policy \(compiled.name): \(why)", verdict: .denied)
        }
        guard queue.count < settings.maximumQueuedBackendCalls else {
            return refuse("GenericError", "\(queue.count) calls already wait for the charge point; try again later",
                          verdict: .rejected(code: "GenericError"))
        }
        entry.targets = ["charge-point"]
        effects.append(.decision(entry))
        queue.enqueue(BackendCallQueue.Call(backend: backend, backendMessageId: id, action: action, payload: translated,
                                            ownerName: owner))
        startNextBackendCall(into: &effects)
    }

    /// Sends the next queued backend call to the charge point if none is outstanding.
    func startNextBackendCall(into effects: inout [SessionEffect]) {
        guard let next = queue.startNext(gatewayId: { ids.next() }, deadline: now + settings.callTimeout) else { return }
        let frame = OCPPFrame.call(id: next.gatewayId, action: next.call.action, payload: next.call.payload)
        effects.append(.sendToChargePoint(frame.serialized))
    }

    /// The charge point's answer to a backend call: back to that backend only, with its own id.
    func chargePointAnswer(_ frame: OCPPFrame, text: String, into effects: inout [SessionEffect]) {
        guard let done = queue.complete(gatewayId: frame.messageId) else {
            effects.append(.ignored(from: .chargePoint, text: text,
                                    reason: "no backend call is waiting for an answer with id \(frame.messageId)"))
            return
        }
        let backend = done.call.backend
        var answer = frame.withMessageId(done.call.backendMessageId)
        // What reaches a backend must conform, as what reaches the charge point does: a malformed
        // result becomes an error for the backend that asked.
        if let problem = resultViolation(frame, action: done.call.action) {
            effects.append(.ignored(from: .chargePoint, text: text, reason: "answer breaks the schema: \(problem)"))
            answer = .callError(id: done.call.backendMessageId, code: "InternalError",
                                description: "the charge point answered `\(done.call.action)` with a payload that breaks the schema: \(problem)",
                                details: .object(JSONObject()))
            answer = Self.bounded(answer)
        }
        if done.call.action == "TriggerMessage", links[backend].registration.refusal == "Pending",
            case .callResult(_, let result) = answer, result["status"]?.stringValue == "Accepted",
            let requested = done.call.payload["requestedMessage"]?.stringValue
        {
            links[backend].triggered.insert(requested)
        }
        if case .callResult(let id, let payload) = answer {
            let redactions = compiled.redactions(action: done.call.action, inResponse: true, backend: backend)
            answer = .callResult(id: id, payload: redactor.apply(redactions, to: payload, owner: done.call.ownerName).0)
        }
        if links[backend].connected {
            effects.append(.sendToBackend(backend, answer.serialized))
        } else {
            effects.append(.ignored(from: .chargePoint, text: text, reason: "`\(name(of: backend))` disconnected before the answer came"))
        }
        startNextBackendCall(into: &effects)
    }

    /// Fails the outstanding backend call whose deadline passed, and starts the next.
    func expireBackendCall(now: Double, into effects: inout [SessionEffect]) {
        guard let expired = queue.expire(now: now) else { return }
        let seconds = Int(settings.callTimeout.rounded())
        let description = "the charge point did not answer within \(seconds) s"
        if links[expired.call.backend].connected {
            effects.append(.sendToBackend(expired.call.backend, Self.callError(id: expired.call.backendMessageId,
                                                                              code: "GenericError", description: description)))
        }
        effects.append(.ignored(from: .chargePoint, text: "",
                                reason: "`\(expired.call.action)` \(expired.gatewayId) of `\(name(of: expired.call.backend))`: \(description)"))
        startNextBackendCall(into: &effects)
    }
}
