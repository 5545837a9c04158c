import OCPP
import Runtime

/// The protocol core of one charge point's connection: OCPP-J 1.6 multiplexed onto several
/// backends, without any I/O.
///
/// Feed it what happens (``SessionInput``) and carry out what it returns (``SessionEffect``), in
/// order. It is not `Sendable`: its owner confines it to one event loop (or actor) and calls
/// ``handle(_:)`` one input at a time. Backends are named by their index in the policy's
/// `backends`; the transport connects to each as this charge point and reports the link state.
///
/// What it guarantees:
/// - every leg carries a gateway-generated message id, so peers' ids never collide and every
///   answer reaches the peer that asked, with that peer's own id;
/// - the charge point gets exactly one answer per call (the responder's or the gateway's), and
///   at most one backend call at a time;
/// - every backend sees its own transaction ids and only what the policy's redactions leave;
/// - bad input from one peer gets that peer a CALLERROR and never reaches or disturbs the others.
///
/// Wiring it to a transport:
/// - create one per accepted charge-point connection, with `ChargePointPolicy(policy:chargePoint:)`,
///   `Redactor(hashKey:)` from the config's `redaction.hashKey` and ``SessionSettings/init(config:clock:)``;
/// - report `.backendConnected(i)` / `.backendDisconnected(i)` as each backend link (index `i` in
///   the policy's `backends`) opens and closes, and send `.tick(now:)` about once a second on the
///   same clock as the settings;
/// - carry out the effects in order: `sendTo...` texts go out as WebSocket text messages, the
///   rest are log lines (`.decision` is the audit line; `.notDelivered` is where a durable queue
///   will hook in);
/// - when the charge point goes away, close its backend links and drop the session.
public final class ChargePointSession {
    /// The charge point's identity.
    public let chargePointId: String
    /// The policy as this charge point sees it; swapped by ``replacePolicy(_:)``.
    public private(set) var policy: ChargePointPolicy
    let redactor: Redactor
    let settings: SessionSettings

    var ids = MessageIdGenerator()
    var links: [BackendLink]
    /// Open legs towards backends, by the gateway's message id.
    var legs: [String: OutboundLeg] = [:]
    var legSequence = 0
    /// The charge point's calls with open legs, by token.
    var calls: [Int: ChargePointCall] = [:]
    var nextCallToken = 0
    var queue = BackendCallQueue()
    var transactions = TransactionTable()
    var boot: CachedBoot?

    /// A session for `chargePointId` with every backend link down.
    ///
    /// - Parameters:
    ///   - policy: the compiled policy's view for this charge point.
    ///   - redactor: rewrites payloads per backend; keyed by the config's `redaction.hashKey`.
    public init(chargePointId: String, policy: ChargePointPolicy, redactor: Redactor, settings: SessionSettings = SessionSettings()) {
        self.chargePointId = chargePointId
        self.policy = policy
        self.redactor = redactor
        self.settings = settings
        self.ids = MessageIdGenerator(prefix: settings.messageIdPrefix)
        self.links = Array(repeating: BackendLink(), count: policy.policy.backends.count)
    }

    /// Handles one input and returns what to do, in order.
    public func handle(_ input: SessionInput) -> [SessionEffect] {
        var effects: [SessionEffect] = []
        switch input {
        case .backendText(let backend, let text) where !links.indices.contains(backend):
            effects.append(.ignored(from: .backend(backend), text: text, reason: "the policy has no backend \(backend)"))
        case .chargePointText(let text): chargePointText(text, into: &effects)
        case .backendText(let backend, let text):
            guard links.indices.contains(backend) else { break }
            backendText(text, from: backend, into: &effects)
        case .backendConnected(let backend):
            guard links.indices.contains(backend) else { break }
            backendConnected(backend, into: &effects)
        case .backendDisconnected(let backend):
            guard links.indices.contains(backend) else { break }
            backendDisconnected(backend, into: &effects)
        case .tick(let now): tick(now: now, into: &effects)
        }
        return effects
    }

    /// Swaps the policy between messages (a reload). Calls already in flight finish under the
    /// decisions they got.
    ///
    /// - Returns: `false`, keeping the current policy, when the new one is for another charge
    ///   point or has other backends (their indices are the links' names).
    @discardableResult
    public func replacePolicy(_ newPolicy: ChargePointPolicy) -> Bool {
        reloadPolicy(newPolicy) != nil
    }

    /// Swaps the policy between messages, as ``replacePolicy(_:)``, and returns what to do about
    /// it, or `nil` when the new policy is not taken. The cached BootNotification is routed anew,
    /// so a backend the new rules bring in gets it first when it connects; one already connected
    /// that has had no BootNotification since its link came up gets it now.
    public func reloadPolicy(_ newPolicy: ChargePointPolicy) -> [SessionEffect]? {
        guard newPolicy.chargePoint == chargePointId, newPolicy.policy.backends == policy.policy.backends else { return nil }
        policy = newPolicy
        var effects: [SessionEffect] = []
        guard let cached = boot else { return effects }
        let targets = policy.route(action: "BootNotification", payload: cached.payload, now: now).targets
        boot?.targets = targets
        for backend in targets where !cached.targets.contains(backend) {
            guard links.indices.contains(backend), links[backend].connected, links[backend].registration == .unknown else { continue }
            replayBoot(to: backend, into: &effects)
        }
        return effects
    }

    /// Whether the link to `backend` is up.
    public func isConnected(_ backend: Int) -> Bool { links.indices.contains(backend) && links[backend].connected }

    // MARK: - Shared helpers

    var compiled: CompiledPolicy { policy.policy }
    var now: Double { settings.clock() }
    var version: OCPPVersion { compiled.version }

    func name(of backend: Int) -> String {
        compiled.backends.indices.contains(backend) ? compiled.backends[backend] : "backend-\(backend)"
    }

    /// A CALLERROR text, the description cut to OCPP's 255 characters.
    static func callError(id: String, code: String, description: String) -> String {
        let cut = description.count > 255 ? String(description.prefix(254)) + "…" : description
        return OCPPFrame.callError(id: id, code: code, description: cut, details: .object(JSONObject())).serialized
    }

    /// The frame with a CALLERROR description cut to OCPP's 255 characters (a peer's long text).
    static func bounded(_ frame: OCPPFrame) -> OCPPFrame {
        guard case .callError(let id, let code, let description, let details) = frame, description.count > 255 else { return frame }
        return .callError(id: id, code: code, description: String(description.prefix(254)) + "…", details: details)
    }

    /// The first schema violation of a payload, as (code, message).
    func violation(of payload: JSONValue, against schema: ObjectSchema) -> (code: String, message: String)? {
        compiled.catalog.validate(payload, against: schema).first.map { ($0.code, $0.message) }
    }

    /// A keyed pseudonym of the payload's idTag for logs, never the idTag itself.
    func userPseudonym(in payload: JSONValue) -> String? {
        payload["idTag"]?.stringValue.map { redactor.pseudonym($0, caseInsensitive: true, maxLength: 12) }
    }

    /// A record for this session and policy.
    func record(_ direction: DecisionRecord.Direction, sender: String, action: String, messageId: String,
                verdict: DecisionRecord.Verdict) -> DecisionRecord {
        DecisionRecord(chargePoint: chargePointId, direction: direction, sender: sender, action: action,
                       messageId: messageId, verdict: verdict, policyHash: compiled.sourceHash)
    }

    /// The rule's `file:line`.
    func location(of rule: Int?) -> String? {
        guard let rule, compiled.rules.indices.contains(rule) else { return nil }
        return compiled.rules[rule].location
    }

    /// Opens a leg: registers it and returns the text to send. `compactPayload`, the payload's
    /// compact text when the caller has it, is spliced in instead of serializing `payload` again.
    func openLeg(to backend: Int, kind: OutboundLeg.Kind, action: String, payload: JSONValue,
                 compactPayload: Substring? = nil) -> String {
        let id = ids.next()
        legSequence += 1
        legs[id] = OutboundLeg(backend: backend, kind: kind, action: action, deadline: now + settings.callTimeout,
                               sequence: legSequence)
        if let compactPayload { return OCPPFrame.callText(id: id, action: action, compactPayload: compactPayload) }
        return OCPPFrame.call(id: id, action: action, payload: payload).serialized
    }
}
