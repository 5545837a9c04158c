import OCPP
import Runtime

/// Backends answering the legs the gateway opened for the charge point's calls.
extension ChargePointSession {
    /// A backend's answer to one of the gateway's legs.
    func backendAnswer(_ frame: OCPPFrame, text: String, from backend: Int, into effects: inout [SessionEffect]) {
        guard let leg = legs[frame.messageId], leg.backend == backend else {
            effects.append(.ignored(from: .backend(backend), text: text,
                                    reason: "no call of the gateway to `\(name(of: backend))` has id \(frame.messageId)"))
            return
        }
        legs[frame.messageId] = nil
        var frame = frame
        // What reaches the charge point must conform: a responder's malformed result becomes an
        // error (copies' answers are only read defensively, never forwarded).
        if case .call(let token) = leg.kind, let call = calls[token], backend == call.responder, !call.answered,
            let problem = resultViolation(frame, action: leg.action)
        {
            effects.append(.ignored(from: .backend(backend), text: text, reason: "answer breaks the schema: \(problem)"))
            frame = .callError(id: frame.messageId, code: "InternalError",
                               description: "responder `\(name(of: backend))` answered with a payload that breaks the schema: \(problem)",
                               details: .object(JSONObject()))
        }
        if leg.action == "BootNotification" { bootAnswered(by: backend, frame, into: &effects) }
        guard case .call(let token) = leg.kind, var call = calls[token] else {
            effects.append(.consumed(backend: backend, text: text))
            return
        }
        if call.start != nil { startAnswered(by: backend, frame, call: &call, into: &effects) }
        if leg.action == "StartTransaction", backend != call.responder, let id = call.start?.chargePointTransactionId {
            let own: Int? = if case .callResult(_, let payload) = frame { payload["transactionId"]?.intValue } else { nil }
            releaseAwaitingTransactionId(of: backend, chargePointTransactionId: id, own: own, into: &effects)
        }
        if backend == call.responder, !call.answered {
            call.answered = true
            // A result as the responder sent it (a replaced one is a CALLERROR) is spliced, compact.
            if case .callResult = frame, let payload = frame.compactPayloadText(in: text) {
                effects.append(.sendToChargePoint(OCPPFrame.callResultText(id: call.messageId, compactPayload: payload)))
            } else {
                effects.append(.sendToChargePoint(Self.bounded(frame.withMessageId(call.messageId)).serialized))
            }
            if case .callResult = frame, let ended = call.stopTransactionId { transactions.close(chargePointId: ended) }
        } else {
            effects.append(.consumed(backend: backend, text: text))
        }
        finishLeg(of: token, call: call)
    }

    /// The first schema violation of a CALLRESULT's payload, as a message.
    func resultViolation(_ frame: OCPPFrame, action: String) -> String? {
        guard case .callResult(_, let payload) = frame, let spec = compiled.catalog.action(named: action) else { return nil }
        return violation(of: payload, against: spec.response)?.message
    }

    /// Counts one leg of call `token` as done, keeping or dropping the call.
    func finishLeg(of token: Int, call: ChargePointCall) {
        var call = call
        call.openLegs -= 1
        calls[token] = call.openLegs > 0 ? call : nil
    }

    /// A leg that will never be answered (its backend went away or refused the boot). A lost
    /// responder leg answers the charge point with an InternalError so its retry can start now.
    func loseLeg(of token: Int, backend: Int, reason: String, into effects: inout [SessionEffect]) {
        guard let call = calls[token] else { return }
        var updated = call
        if backend == call.responder, !call.answered {
            updated.answered = true
            effects.append(.sendToChargePoint(Self.callError(id: call.messageId, code: "InternalError",
                                                             description: "responder `\(name(of: backend))` \(reason)")))
        }
        finishLeg(of: token, call: updated)
    }
}
