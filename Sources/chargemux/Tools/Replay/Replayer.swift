import OCPP
import Runtime

/// Feeds capture entries through a policy, one at a time, and counts the decisions.
struct Replayer: Sendable {
    /// The policy that decides.
    let policy: CompiledPolicy
    /// Applies redactions, to find which fields change.
    let redactor: Redactor
    private(set) var stats = ReplayStats()
    private var owners = TransactionOwners()
    /// Backend calls to a charge point awaiting its answer: the action and the backends let through.
    private var awaiting: [String: [String: (action: String, backends: [Int], owner: String?)]] = [:]

    /// A replayer with empty counts.
    init(policy: CompiledPolicy, redactor: Redactor) {
        self.policy = policy
        self.redactor = redactor
    }

    /// Counts a line that could not be read.
    mutating func reject(line: Int, _ message: String) {
        stats.lines += 1
        stats.problems.append((line, message))
    }

    /// Replays one entry.
    mutating func replay(_ entry: CaptureEntry) {
        stats.lines += 1
        switch (entry.direction, entry.frame) {
        case (.fromChargePoint, .call(let id, let action, let payload)):
            route(CallMessage(id: id, action: action, payload: payload), from: entry.chargePoint)
        case (.toChargePoint, .call(let id, let action, let payload)):
            authorize(CallMessage(id: id, action: action, payload: payload), entry: entry)
        case (.fromChargePoint, .callResult(let id, let payload)):
            redactAnswer(id: id, payload: payload, entry: entry)
        case (.fromChargePoint, .callError(let id, _, _, _)):
            stats.ignored += 1
            awaiting[entry.chargePoint]?[id] = nil
        case (.toChargePoint, .callResult(let id, let payload)):
            stats.ignored += 1
            owners.noteAnswer(id: id, payload: payload, chargePoint: entry.chargePoint)
        case (.toChargePoint, .callError):
            stats.ignored += 1
        }
    }

    private mutating func route(_ call: CallMessage, from chargePoint: String) {
        stats.chargePointCalls += 1
        let given = owners.owner(of: call.payload, chargePoint: chargePoint)
        let context = MessageContext(chargePoint: chargePoint, transactionOwner: given)
        let decision = policy.route(action: call.action, payload: call.payload, context: context)
        if case .reject(let code, _) = decision.outcome {
            stats.rejected[ReplayStats.RejectionKey(action: call.action, errorCode: code), default: 0] += 1
            return
        }
        let owner = decision.owner.map(policy.backendName)
        owners.noteCall(id: call.id, payload: call.payload, owner: owner, chargePoint: chargePoint)
        for backend in decision.targets {
            let redactions = policy.redactions(action: call.action, inResponse: false, backend: backend)
            let (_, changed) = redactor.apply(redactions, to: call.payload, owner: owner)
            stats.update(backend, call.action) { stats in
                stats.routed += 1
                stats.redact(changed)
            }
        }
        switch decision.responder {
        case .backend(let backend)?: stats.update(backend, call.action) { $0.answered += 1 }
        case .gateway?: stats.gatewayAnswered[call.action, default: 0] += 1
        case nil: break
        }
    }

    private mutating func authorize(_ call: CallMessage, entry: CaptureEntry) {
        stats.backendCalls += 1
        let candidates: [Int]
        if let name = entry.backend {
            guard let index = policy.backendIndex(name) else {
                let hint = nearestName(to: name, among: policy.backends).map { "; did you mean `\($0)`?" } ?? ""
                stats.problems.append((entry.line, "unknown backend `\(name)`\(hint)"))
                return
            }
            candidates = [index]
        } else {
            candidates = Array(policy.backends.indices)
        }
        let owner = owners.owner(of: call.payload, chargePoint: entry.chargePoint)
        let context = MessageContext(chargePoint: entry.chargePoint, transactionOwner: owner)
        var allowed: [Int] = []
        for backend in candidates {
            let decision = policy.authorize(backend: backend, action: call.action, payload: call.payload, context: context)
            if decision.allowed { allowed.append(backend) }
            let rule = decision.rule.map(policy.location(ofRule:)) ?? "default deny"
            stats.update(backend, call.action) { stats in
                if decision.allowed { stats.allowed += 1 } else { stats.deny(by: rule) }
            }
        }
        awaiting[entry.chargePoint, default: [:]][call.id] = (call.action, allowed, owner)
    }

    private mutating func redactAnswer(id: String, payload: JSONValue, entry: CaptureEntry) {
        guard let call = awaiting[entry.chargePoint]?.removeValue(forKey: id) else {
            stats.problems.append((entry.line, "no earlier call with id `\(id)` to `\(entry.chargePoint)` for this answer"))
            return
        }
        stats.answers += 1
        for backend in call.backends {
            let redactions = policy.redactions(action: call.action, inResponse: true, backend: backend)
            let (_, changed) = redactor.apply(redactions, to: payload, owner: call.owner)
            stats.update(backend, call.action) { $0.redact(changed) }
        }
    }
}
