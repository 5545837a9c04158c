/// What the load test asks of its backends, wherever they run: in its own process
/// (``LoadBackendServers``) or in a `chargemux loadtest --serve-backends` process
/// (``RemoteLoadBackends``).
protocol LoadBackendView: Sendable {
    /// The backends' ports, in `--backends` order.
    var ports: [Int] { get }
    /// Per backend, in `ports` order: the charge points connected to it now.
    func connectedCounts() async throws -> [Int]
    /// Per backend, in `ports` order: what it got from each of `chargePoints` (absent: nothing).
    func records(of chargePoints: [String]) async throws -> [[String: BackendTally.ChargePointRecord]]
    /// Per backend, in `ports` order: the calls it received in all.
    func totalCalls() async throws -> [Int]
    /// Stops serving (in-process backends) or disconnects (remote ones).
    func shutdown() async
}
