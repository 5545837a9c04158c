import ServiceLifecycle

extension ChargePointListener: Service {
    /// Runs the listener as a service: binds (``start()``), serves until graceful shutdown is
    /// triggered or the task is cancelled, then closes everything (``shutdown()``). Bind errors
    /// are thrown.
    public func run() async throws {
        _ = try await start()
        // Returns on graceful shutdown and throws CancellationError on cancellation: both end the run.
        try? await gracefulShutdown()
        await shutdown()
    }
}
