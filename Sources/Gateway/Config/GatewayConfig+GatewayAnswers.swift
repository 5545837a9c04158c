extension GatewayConfig {
    /// Values the gateway uses when it answers a charge point itself (`gatewayAnswers`).
    public struct GatewayAnswers: Sendable {
        /// The heartbeat interval in seconds sent in BootNotification answers (`heartbeatInterval`).
        public let heartbeatInterval: Int

        /// Answers with `heartbeatInterval` seconds (default 300).
        public init(heartbeatInterval: Int = defaultHeartbeatInterval) {
            self.heartbeatInterval = heartbeatInterval
        }

        /// The default `heartbeatInterval`: 300 seconds.
        public static let defaultHeartbeatInterval = 300
        /// The allowed `heartbeatInterval` range in seconds.
        public static let heartbeatIntervalRange = 1...86_400
    }
}
