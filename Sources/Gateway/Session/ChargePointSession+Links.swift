import OCPP
import Runtime

/// Backend links coming and going, BootNotification replay and registration, and time passing.
extension ChargePointSession {
    /// The link to `backend` is up: it gets the cached BootNotification before anything else.
    func backendConnected(_ backend: Int, into effects: inout [SessionEffect]) {
        links[backend].connected = true
        links[backend].registration = .unknown
        replayBoot(to: backend, into: &effects)
    }

    /// Sends `backend` the cached BootNotification with a fresh id, if it is one of its targets;
    /// until it answers, calls for it are held.
    func replayBoot(to backend: Int, into effects: inout [SessionEffect]) {
        guard let boot, boot.targets.contains(backend), links[backend].connected else { return }
        let redactions = compiled.redactions(action: "BootNotification", inResponse: false, backend: backend)
        let payload = redactor.apply(redactions, to: boot.payload, owner: nil).0
        links[backend].registration = .awaitingBoot
        effects.append(.sendToBackend(backend, openLeg(to: backend, kind: .bootReplay, action: "BootNotification", payload: payload)))
    }

    /// The link to `backend` is down: its open and held legs are lost and its waiting calls dropped.
    func backendDisconnected(_ backend: Int, into effects: inout [SessionEffect]) {
        links[backend].connected = false
        links[backend].registration = .unknown
        links[backend].triggered = []
        for leg in links[backend].held {
            effects.append(.notDelivered(backend: backend, action: leg.action, payload: leg.payload, reason: "disconnected"))
        }
        dropHeld(of: backend, reason: "disconnected before answering", into: &effects)
        dropAwaitingTransactionIds(of: backend, into: &effects)
        let open = legs.filter { $0.value.backend == backend }.sorted { $0.value.sequence < $1.value.sequence }
        for (id, leg) in open {
            legs[id] = nil
            if case .call(let token) = leg.kind {
                loseLeg(of: token, backend: backend, reason: "disconnected before answering", into: &effects)
            }
        }
        for call in queue.removeWaiting(from: backend) {
            effects.append(.ignored(from: .backend(backend), text: "",
                                    reason: "`\(call.action)` \(call.backendMessageId) dropped: `\(name(of: backend))` disconnected"))
        }
    }

    /// Drops the calls held for `backend`.
    func dropHeld(of backend: Int, reason: String, into effects: inout [SessionEffect]) {
        let held = links[backend].held
        links[backend].held = []
        for leg in held {
            effects.append(.ignored(from: .chargePoint, text: "", reason: "`\(leg.action)` not sent to `\(name(of: backend))`: \(reason)"))
            loseLeg(of: leg.token, backend: backend, reason: reason, into: &effects)
        }
    }

    /// A backend answered a BootNotification: Accepted releases the held calls; Pending and
    /// Rejected (or an error) hold it back until the boot is sent again after its interval.
    func bootAnswered(by backend: Int, _ frame: OCPPFrame, into effects: inout [SessionEffect]) {
        var status = "an error"
        var interval = 0
        if case .callResult(_, let payload) = frame {
            status = payload["status"]?.stringValue ?? "no status"
            interval = payload["interval"]?.intValue ?? 0
        }
        let retryAt = now + (interval > 0 ? Double(interval) : settings.bootRetryInterval)
        switch status {
        case "Accepted":
            links[backend].registration = .accepted
            links[backend].triggered = []
            let held = links[backend].held
            links[backend].held = []
            for leg in held {
                effects.append(.sendToBackend(backend, openLeg(to: backend, kind: .call(token: leg.token), action: leg.action,
                                                               payload: leg.payload)))
            }
        case "Pending":
            links[backend].registration = .pending(retryAt: retryAt)
            dropHeld(of: backend, reason: "answered the BootNotification with Pending", into: &effects)
        default:
            links[backend].registration = .rejected(retryAt: retryAt)
            dropHeld(of: backend, reason: "answered the BootNotification with \(status)", into: &effects)
        }
    }

    /// Time passed: legs past their deadline are given up, the outstanding backend call may time
    /// out, and BootNotifications due again are re-sent.
    func tick(now time: Double, into effects: inout [SessionEffect]) {
        let expired = legs.filter { $0.value.deadline <= time }.sorted { $0.value.sequence < $1.value.sequence }
        for (id, leg) in expired {
            legs[id] = nil
            let seconds = Int(settings.callTimeout.rounded())
            effects.append(.ignored(from: .backend(leg.backend), text: "",
                                    reason: "`\(name(of: leg.backend))` did not answer `\(leg.action)` \(id) within \(seconds) s"))
            if leg.action == "BootNotification" {
                links[leg.backend].registration = .rejected(retryAt: time + settings.bootRetryInterval)
                dropHeld(of: leg.backend, reason: "did not answer the BootNotification", into: &effects)
            }
            if case .call(let token) = leg.kind, let call = calls[token] {
                if leg.action == "StartTransaction", let id = call.start?.chargePointTransactionId {
                    releaseAwaitingTransactionId(of: leg.backend, chargePointTransactionId: id, own: nil, into: &effects)
                }
                finishLeg(of: token, call: call)
            }
        }
        expireBackendCall(now: time, into: &effects)
        for backend in links.indices where links[backend].connected {
            if let due = links[backend].registration.retryAt, due <= time { replayBoot(to: backend, into: &effects) }
        }
    }
}
