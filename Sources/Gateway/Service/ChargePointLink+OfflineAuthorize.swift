import Foundation
import Logging
import NIOCore
import OCPP
import Runtime

/// Authorize answered for an absent responder from its recent Accepted answers.
extension ChargePointLink {
    /// Authorize and the owner's cache (`offline.authorizeCacheTTL`): an Authorize whose responder
    /// is absent is answered from its recent Accepted answer for that idTag, if young enough; the
    /// responder's Accepted answers are remembered as they pass to the charge point.
    ///
    /// `call` is the decision on the charge point's call that caused `effects`, `payload` that
    /// call's payload when it is an Authorize.
    func authorizeOffline(_ effects: [SessionEffect], call: DecisionRecord?, payload: JSONValue?) -> [SessionEffect] {
        var effects = effects
        if let decision = call, decision.action == "Authorize", let idTag = payload?["idTag"]?.stringValue,
            let responder = decision.responder, let backend = context.config.backend(named: responder)
        {
            let id = decision.messageId
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
}
