/// What the gateway may answer on a backend's behalf when a charge-point call is routed to
/// `gateway` or left with no target.
public enum GatewayAnswer: String, Sendable, Equatable {
    /// Heartbeat: `{"currentTime": now}`.
    case heartbeat
    /// BootNotification: Accepted, the current time and the configured interval.
    case bootNotification
    /// An empty response `{}`, which the action's response schema allows.
    case empty
}

/// One OCPP action: who sends it and the schemas of its request and response.
public struct ActionSpec: Sendable, Equatable {
    /// The action name as it appears in a CALL (`BootNotification`), case-sensitive.
    public var name: String
    /// Who may send the action as a CALL.
    public var direction: MessageDirection
    /// The schema of the CALL payload.
    public var request: ObjectSchema
    /// The schema of the CALLRESULT payload.
    public var response: ObjectSchema
    /// How the gateway can answer this action itself, or `nil` where only a backend can
    /// (Authorize, StartTransaction, StopTransaction, TransactionEvent, DataTransfer, ...).
    public var gatewayAnswer: GatewayAnswer?

    /// Creates an action specification.
    public init(name: String, direction: MessageDirection, request: ObjectSchema, response: ObjectSchema,
                gatewayAnswer: GatewayAnswer?) {
        self.name = name
        self.direction = direction
        self.request = request
        self.response = response
        self.gatewayAnswer = gatewayAnswer
    }
}
