import Logging

/// What the demo takes from the gateway's log: its decisions and its backend connections.
enum GatewayLogEvent: Sendable, Equatable {
    /// One decision line (one per CALL).
    case decision(DecisionLine)
    case backendConnected(backend: String)
    case backendDisconnected(backend: String)
    /// A connection attempt failed; the connector backs off and tries again.
    case attemptFailed(backend: String)
    /// The next attempt is due in `delayMilliseconds` (random, up to the backoff's ceiling).
    case reconnectScheduled(backend: String, attempt: Int, delayMilliseconds: Int)
    /// A charge point's call that `backend` did not get: its link was down.
    case notDelivered(backend: String, action: String, reason: String)
    /// A warning or error the demo did not expect.
    case problem(String)
}

/// A swift-log handler that turns the gateway's log lines into ``GatewayLogEvent``s for the
/// demo's narration, and drops everything else. It never prints: secrets cannot leak through it.
struct DemoLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .debug
    let sink: @Sendable (GatewayLogEvent) -> Void

    init(sink: @escaping @Sendable (GatewayLogEvent) -> Void) {
        self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let message = event.message.description
        if let decision = DecisionLine(message) {
            sink(.decision(decision))
            return
        }
        let backend = (event.metadata?["backend"] ?? metadata["backend"]).map { "\($0)" } ?? "?"
        switch message {
        case "backend connected": sink(.backendConnected(backend: backend))
        case "backend disconnected": sink(.backendDisconnected(backend: backend))
        case "backend connection attempt failed": sink(.attemptFailed(backend: backend))
        case "backend reconnect scheduled":
            let attempt = (event.metadata?["attempt"]).flatMap { Int("\($0)") } ?? 0
            let delay = (event.metadata?["delayMs"]).flatMap { Int("\($0)") } ?? 0
            sink(.reconnectScheduled(backend: backend, attempt: attempt, delayMilliseconds: delay))
        case "message not delivered":
            let action = (event.metadata?["action"]).map { "\($0)" } ?? "?"
            let reason = (event.metadata?["reason"]).map { "\($0)" } ?? "?"
            sink(.notDelivered(backend: backend, action: action, reason: reason))
        default:
            if event.level >= .warning { sink(.problem(message)) }
        }
    }
}
