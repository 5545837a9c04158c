import Gateway
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The load test's simulated backends, one per port, each with a ``BackendTally``: in the load
/// test's own process, or in a process of their own (`chargemux loadtest --serve-backends`),
/// where they also answer the ``LoadControl`` queries of a load test in another process.
final class LoadBackendServers: LoadBackendView {
    let ports: [Int]
    let servers: [SimulatedBackendServer]
    let tallies: [BackendTally]

    private init(ports: [Int], servers: [SimulatedBackendServer], tallies: [BackendTally]) {
        self.ports = ports
        self.servers = servers
        self.tallies = tallies
    }

    /// Starts a backend on 127.0.0.1 at each port (`/ocpp/{id}`, no authentication); the n-th
    /// assigns transaction ids from n × 1,000,000. The first stamps each call it gets in `hops`.
    /// Throws ``LoadtestFailure`` when a port cannot be bound, with nothing left listening.
    static func start(ports: [Int], eventLoopGroup: any EventLoopGroup, logger: Logger,
                      hops: LoadHops? = nil) async throws -> LoadBackendServers {
        var servers: [SimulatedBackendServer] = []
        var tallies: [BackendTally] = []
        for (offset, port) in ports.enumerated() {
            let tally = BackendTally(port: port)
            let stamps = offset == 0 ? hops : nil
            let serverBox = NIOLockedValueBox<SimulatedBackendServer?>(nil)
            let system = SimulatedCentralSystem(
                name: "backend\(offset + 1)", transactionIdBase: (offset + 1) * 1_000_000, recordsFrames: false,
                onCall: {
                    stamps?.reachedBackend($0, at: LoadLoop.now())
                    tally.observe(chargePoint: $0, action: $1, payload: $2, answer: $3)
                },
                responder: { chargePoint, action, payload in
                    LoadControl.answer(chargePoint: chargePoint, action: action, payload: payload, tally: tally) {
                        serverBox.withLockedValue { $0 }?.connectedCount ?? 0
                    }
                })
            let server = SimulatedBackendServer(system: system, host: "127.0.0.1", port: port, eventLoopGroup: eventLoopGroup,
                                                logger: logger)
            serverBox.withLockedValue { $0 = server }
            do {
                _ = try await server.start()
            } catch {
                for started in servers { await started.shutdown() }
                throw LoadtestFailure(description: "cannot listen on 127.0.0.1:\(port): \(error)")
            }
            servers.append(server)
            tallies.append(tally)
        }
        return LoadBackendServers(ports: ports, servers: servers, tallies: tallies)
    }

    func connectedCounts() async throws -> [Int] {
        servers.map { $0.connectedCount }
    }

    func records(of chargePoints: [String]) async throws -> [[String: BackendTally.ChargePointRecord]] {
        tallies.map(\.snapshot)
    }

    func totalCalls() async throws -> [Int] {
        tallies.map(\.totalCalls)
    }

    func shutdown() async {
        for server in servers { await server.shutdown() }
    }
}
