import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import OCPP

/// Runs charge points through transactions against an in-process gateway with its store, while
/// backends are killed and restarted at random, then checks what every backend received.
struct SoakRun {
    struct Options: Sendable {
        var chargePoints = 100
        var duration: Duration = .seconds(600)
        /// The longest a backend stays down, and the longest between two outages.
        var maxOutage: Duration = .seconds(15)
        var maxUptime: Duration = .seconds(30)
        /// How long to wait at the end for queues to drain, once every backend is back.
        var drainTimeout: Duration = .seconds(120)
        var progress: @Sendable (String) -> Void = { _ in }
    }

    let options: Options

    func run() async throws -> SoakVerdict {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-soak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "soak")
        logger.logLevel = .critical
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

        // Backends, each on a port it keeps across restarts.
        var systems: [String: SimulatedCentralSystem] = [:]
        let servers = SoakServers()
        var ports: [String: Int] = [:]
        for (offset, name) in SoakSite.backends.enumerated() {
            let system = SimulatedCentralSystem(name: name, transactionIdBase: (offset + 1) * 1_000_000)
            let server = SimulatedBackendServer(system: system, eventLoopGroup: group, logger: logger)
            ports[name] = try await server.start()
            systems[name] = system
            servers.set(name, server)
        }

        // The gateway, with its store, listening on a port the system picks.
        try SoakSite.policy.write(to: folder.appendingPathComponent("site.policy"), atomically: true, encoding: .utf8)
        let configPath = folder.appendingPathComponent("gateway.yaml").path
        try SoakSite.config(ports: ports, folder: folder.path).write(toFile: configPath, atomically: true, encoding: .utf8)
        let prepared = try GatewayLauncher.prepare(configPath: configPath, environment: [:], logger: logger) { config in
            config.withListeners(config.listeners.map {
                GatewayConfig.Listener(address: .init(host: "127.0.0.1", port: 0), path: $0.path,
                                       securityProfile: $0.securityProfile, allowInsecure: $0.allowInsecure, tls: $0.tls)
            })
        }
        let context = GatewayContext(config: prepared.config, policies: prepared.policies, redactor: prepared.redactor,
                                     logger: logger,
                                     backendOptions: BackendConnector.Options(backoff: Backoff(base: .milliseconds(200), cap: .seconds(2))),
                                     store: prepared.store)
        let gateway = GatewayServer(context: context, eventLoopGroup: group)
        let gatewayPort = try await gateway.start().first?.port ?? 0
        options.progress("gateway on 127.0.0.1:\(gatewayPort); backends \(SoakSite.backends.map { "\($0):\(ports[$0] ?? 0)" }.joined(separator: " "))")

        // Charge points.
        var chargePoints: [SoakChargePoint] = []
        for index in 1...options.chargePoints {
            let id = String(format: "SOAK-%04d", index)
            let simulator = try SimulatedChargePoint(id: id, url: URL(string: "ws://127.0.0.1:\(gatewayPort)/ocpp")!,
                                                     password: SoakSite.chargePointPassword, eventLoop: group.next(), logger: logger)
            simulator.start()
            chargePoints.append(SoakChargePoint(index: index, simulator: simulator))
        }
        for chargePoint in chargePoints { try await chargePoint.simulator.waitUntilConnected(timeout: 30) }
        options.progress("\(chargePoints.count) charge points connected; running for \(options.duration)")

        // Chaos: kill and restart backends at random until the deadline, then bring all back.
        let deadline = ContinuousClock.now + options.duration
        let systemsByName = systems
        let portsByName = ports
        let chaos = Task { () -> Int in
            var count = 0
            while ContinuousClock.now < deadline {
                try? await Task.sleep(for: .seconds(Double.random(in: 1...max(1.0, seconds(options.maxUptime)))))
                guard ContinuousClock.now < deadline, let name = SoakSite.backends.randomElement(),
                      let server = servers.get(name), let system = systemsByName[name], let port = portsByName[name] else { continue }
                await server.shutdown()
                count += 1
                options.progress("killed \(name) (outage \(count))")
                try? await Task.sleep(for: .seconds(Double.random(in: 0.5...max(0.5, seconds(options.maxOutage)))))
                let restarted = SimulatedBackendServer(system: system, port: port, eventLoopGroup: group, logger: logger)
                for _ in 0..<50 {
                    if (try? await restarted.start()) != nil { break }
                    try? await Task.sleep(for: .milliseconds(100))
                }
                servers.set(name, restarted)
                options.progress("restarted \(name)")
            }
            return count
        }

        await withTaskGroup(of: Void.self) { tasks in
            for chargePoint in chargePoints { tasks.addTask { await chargePoint.run(until: deadline) } }
        }
        let outages = await chaos.value
        options.progress("charge points done; waiting for the queues to drain")

        // Drain: wait until every backend has every message meant for it, or the timeout.
        let transactions = chargePoints.flatMap(\.transactions)
        let drainDeadline = ContinuousClock.now + options.drainTimeout
        var verdict = SoakVerdict(transactions: transactions, received: systems.mapValues(\.received), outages: outages,
                                  retries: chargePoints.map(\.retryCount).reduce(0, +))
        while !verdict.passed, ContinuousClock.now < drainDeadline {
            try? await Task.sleep(for: .seconds(1))
            verdict = SoakVerdict(transactions: transactions, received: systems.mapValues(\.received), outages: outages,
                                  retries: chargePoints.map(\.retryCount).reduce(0, +))
        }
        for chargePoint in chargePoints { await chargePoint.simulator.stop() }
        await gateway.shutdown()
        for server in servers.all { await server.shutdown() }
        try? await group.shutdownGracefully()
        return verdict
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// The running backend servers by name; the chaos task replaces them while the run reads them.
final class SoakServers: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var servers: [String: SimulatedBackendServer] = [:]

    func get(_ name: String) -> SimulatedBackendServer? { lock.withLock { servers[name] } }
    func set(_ name: String, _ server: SimulatedBackendServer) { lock.withLock { servers[name] = server } }
    var all: [SimulatedBackendServer] { lock.withLock { Array(servers.values) } }
}
