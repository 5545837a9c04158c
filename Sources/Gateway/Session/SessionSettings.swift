import Foundation

/// What a ``ChargePointSession`` needs besides the policy: timings and the clock.
public struct SessionSettings: Sendable {
    /// The `interval` of BootNotification answers the gateway gives itself, in seconds.
    public var heartbeatInterval: Int
    /// How long a leg waits for its answer, in seconds (OCPP's usual 30).
    public var callTimeout: Double
    /// How long to wait before re-sending the BootNotification to a backend that failed it
    /// without naming an interval (a CALLERROR, a timeout, or `interval` 0), in seconds.
    public var bootRetryInterval: Double
    /// The most backend calls waiting for the charge point at once; more are refused.
    public var maximumQueuedBackendCalls: Int
    /// The current time in seconds since 1970; read for `now` conditions, answers and deadlines.
    public var clock: @Sendable () -> Double
    /// Whether a StartTransaction or StopTransaction whose responder is not connected gets a
    /// CALLERROR (`true`) or no answer at all (`false`, the default): then the charge point keeps
    /// the message and sends it again, and the gateway never acknowledges what the owner has not had.
    public var answersTransactionsWithoutResponder = false
    /// Whether copies of StartTransaction, MeterValues and StopTransaction for backends other
    /// than the responder come back as `.notDelivered(reason: "queued")` even when the backend is
    /// connected, so the owner of a durable queue delivers them in order and keeps them until the
    /// backend answered (the gateway sets it when it has a store).
    public var queuesTransactionCopies = false
    /// Backends (by name) on whose behalf the gateway answers StartTransaction, MeterValues and
    /// StopTransaction while they are not connected (`offline.acceptTransactions`), with a
    /// provisional transaction id; only with ``queuesTransactionCopies``.
    public var acceptsTransactionsFor: Set<String> = []
    /// The text before the counter in the gateway's own message ids. The gateway gives each
    /// session its own (``MessageIdGenerator/uniquePrefix()``): a backend that recognises
    /// retransmissions by message id must never take a new call for an old one.
    public var messageIdPrefix = "cmx-"
    /// Whether ``DecisionRecord``s of the charge point's calls carry what only the decision log
    /// reads: the user's pseudonym (a keyed hash), the rule's location, the targets, the skipped
    /// and the redacted. The gateway turns it off when its log level drops the decision lines;
    /// what else reads a record (message id, action, verdict, owner, responder, reason) stays.
    public var recordsDecisionDetails = true

    /// Settings with OCPP's usual values and the system clock.
    public init(heartbeatInterval: Int = 300, callTimeout: Double = 30, bootRetryInterval: Double = 60,
                maximumQueuedBackendCalls: Int = 64,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.heartbeatInterval = heartbeatInterval
        self.callTimeout = callTimeout
        self.bootRetryInterval = bootRetryInterval
        self.maximumQueuedBackendCalls = maximumQueuedBackendCalls
        self.clock = clock
    }

    /// Settings from the gateway config: `gatewayAnswers.heartbeatInterval` and `callTimeout`.
    public init(config: GatewayConfig, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        let timeout = config.callTimeout.components
        self.init(heartbeatInterval: config.gatewayAnswers.heartbeatInterval,
                  callTimeout: Double(timeout.seconds) + Double(timeout.attoseconds) / 1e18, clock: clock)
    }
}
