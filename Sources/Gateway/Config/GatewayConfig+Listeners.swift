extension GatewayConfig {
    /// The same config with other listeners: tests and the demo listen on ports the system picks
    /// (port 0), which an operator's file may not name.
    public func withListeners(_ listeners: [Listener]) -> GatewayConfig {
        GatewayConfig(listeners: listeners, policyPath: policyPath, store: store, gatewayAnswers: gatewayAnswers,
                      callTimeout: callTimeout, maxFrameSize: maxFrameSize, redaction: redaction,
                      chargePoints: chargePoints, backends: backends)
    }
}
