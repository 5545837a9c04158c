import ServiceLifecycle

/// A ``SimulatedBackendServer`` as a service: listens until graceful shutdown (SIGINT, SIGTERM
/// in `chargemux simulate backend`), then closes its connections.
public struct SimulatedBackendService: Service {
    public let server: SimulatedBackendServer
    private let onListening: @Sendable (Int) -> Void

    /// - Parameter onListening: called with the bound port once the server listens.
    public init(server: SimulatedBackendServer, onListening: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.server = server
        self.onListening = onListening
    }

    public func run() async throws {
        let port = try await server.start()
        onListening(port)
        try? await gracefulShutdown()
        await server.shutdown()
    }
}
