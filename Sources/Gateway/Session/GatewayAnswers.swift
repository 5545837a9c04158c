import OCPP

/// The payloads the gateway answers a charge point with when the policy routes a call `to gateway`.
enum GatewayAnswers {
    /// The CALLRESULT payload for `answer` at time `now` (seconds since 1970).
    static func payload(_ answer: GatewayAnswer, now: Double, heartbeatInterval: Int) -> JSONValue {
        switch answer {
        case .heartbeat:
            return ["currentTime": .string(RFC3339Time.string(now))]
        case .bootNotification:
            return ["status": "Accepted", "currentTime": .string(RFC3339Time.string(now)),
                    "interval": .integer(heartbeatInterval)]
        case .empty:
            return .object(JSONObject())
        }
    }
}
