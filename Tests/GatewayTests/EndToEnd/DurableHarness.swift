import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import OCPP
import Testing

/// An in-process gateway with its durable store, over loopback, whose simulated backends can be
/// down from the start, go down and come back on the same port; reconnects are fast.
final class DurableHarness: @unchecked Sendable {
    // @unchecked: mutated only by the test's own task, between awaits.
    let directory: URL
    let group = MultiThreadedEventLoopGroup.singleton
    let logger: Logger
    private(set) var systems: [String: SimulatedCentralSystem] = [:]
    private(set) var ports: [String: Int] = [:]
    private var servers: [String: SimulatedBackendServer] = [:]
    private(set) var server: GatewayServer!
    private(set) var context: GatewayContext!
    private(set) var port = 0
    /// The store, when started with `controlledStore`.
    private(set) var controlledStore: ControlledStore?
    static let password = "cp-password-0123456789"

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-durable-\(UUID().uuidString)")
        var logger = Logger(label: "durable")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// Backend `name` gets transaction ids from `(offset + 1) * 1000`; those in `down` are not
    /// listening at the start (their port is reserved and released).
    func start(policy: String, backends names: [String], down: Set<String> = [], callTimeout: Int = 30,
               backendConfig: [String: String] = [:], controlledStore: Bool = false) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try policy.write(to: directory.appendingPathComponent("site.policy"), atomically: true, encoding: .utf8)
        var lines: [String] = []
        for (offset, name) in names.enumerated() {
            let system = SimulatedCentralSystem(name: name, transactionIdBase: (offset + 1) * 1000)
            systems[name] = system
            let backend = SimulatedBackendServer(system: system, eventLoopGroup: group, logger: logger)
            let port = try await backend.start()
            ports[name] = port
            if down.contains(name) { await backend.shutdown() } else { servers[name] = backend }
            let extra = backendConfig[name].map { ", " + $0 } ?? ""
            lines.append("  - { name: \(name), url: \"ws://127.0.0.1:\(port)/ocpp\", ocppVersion: \"1.6\", securityProfile: 0\(extra) }")
        }
        let config = """
            listen:
              - { address: "127.0.0.1:8180", path: /ocpp, securityProfile: 1 }
            policy: site.policy
            callTimeout: \(callTimeout)
            redaction: { hashKey: "e2e-hash-key-0123456789" }
            chargePoints:
              - { id: "CP-*", password: "\(Self.password)" }
            backends:
            \(lines.joined(separator: "\n"))
            """
        let configPath = directory.appendingPathComponent("gateway.yaml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let prepared = try GatewayLauncher.prepare(configPath: configPath, environment: [:], logger: logger) { config in
            config.withListeners(config.listeners.map {
                GatewayConfig.Listener(address: .init(host: "127.0.0.1", port: 0), path: $0.path, securityProfile: $0.securityProfile,
                                       allowInsecure: $0.allowInsecure, tls: $0.tls)
            })
        }
        var store = prepared.store
        if controlledStore, let base = store {
            self.controlledStore = ControlledStore(base)
            store = self.controlledStore
        }
        var options = BackendConnector.Options(maxFrameSize: prepared.config.maxFrameSize)
        options.backoff = Backoff(base: .milliseconds(100), cap: .milliseconds(300), resetAfter: .seconds(30))
        context = GatewayContext(config: prepared.config, policies: prepared.policies, redactor: prepared.redactor, logger: logger,
                                 backendOptions: options, initialConnectGrace: .seconds(2), store: store)
        server = GatewayServer(context: context, eventLoopGroup: group)
        port = try await server.start().first?.port ?? 0
    }

    var storePath: String { directory.appendingPathComponent("chargemux.db").path }

    /// Backend `name` listens again on its port (the same central system: its log and ids go on).
    func bringUp(_ name: String) async throws {
        let backend = SimulatedBackendServer(system: systems[name]!, port: ports[name]!, eventLoopGroup: group, logger: logger)
        _ = try await backend.start()
        servers[name] = backend
    }

    /// Backend `name` sends `text` as it is to charge point `chargePoint` (say, a late answer).
    func send(raw text: String, from name: String, to chargePoint: String = "CP-1") -> Bool {
        servers[name]?.send(raw: text, to: chargePoint) ?? false
    }

    /// Backend `name` stops listening and drops its connections.
    func takeDown(_ name: String) async {
        await servers.removeValue(forKey: name)?.shutdown()
    }

    func chargePoint(_ id: String = "CP-1") async throws -> SimulatedChargePoint {
        let chargePoint = try SimulatedChargePoint(id: id, url: URL(string: "ws://127.0.0.1:\(port)/ocpp")!, password: Self.password,
                                                   eventLoop: group.next(), logger: logger)
        chargePoint.start()
        try await chargePoint.waitUntilConnected()
        return chargePoint
    }

    /// The calls backend `name` received, as (action, payload).
    func calls(_ name: String) -> [(action: String, payload: JSONValue)] {
        (systems[name]?.received ?? []).compactMap { received in
            if case .call(_, let action, let payload) = received.frame { return (action, payload) }
            return nil
        }
    }

    /// Waits until backend `name` has received `count` calls (or `timeout` seconds pass).
    func waitForCalls(_ name: String, count: Int, timeout: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while calls(name).count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
    }

    func stop() async {
        await server?.shutdown()
        for backend in servers.values { await backend.shutdown() }
        try? await context?.store?.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
