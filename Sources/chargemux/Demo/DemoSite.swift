import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix

/// The demo's site in one process: four simulated backends on loopback ports the system picks,
/// the gateway with the example's policy, and the charge point CP-1.
///
/// The gateway config goes into a temporary folder next to a copy of the example's files; its
/// secrets are generated here and reach the gateway as `env:` references resolved from an
/// in-memory environment, so they are never written down or printed.
final class DemoSite: @unchecked Sendable {
    // @unchecked: set up in `start()`, changed only by the demo's one task afterwards.

    /// The backends of linking-world and the first transaction id each assigns.
    static let backends: [(name: String, transactionIdBase: Int)] = [
        ("billing", 1000), ("fleet", 2000), ("ems", 3000), ("visitors", 4000),
    ]
    static let chargePointId = "CP-1"

    let directory: URL
    /// The demo's own threads, shut down with the site: nothing of the demo outlives it.
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    private let recorder: DemoRecorder
    private let quietLogger: Logger
    private let gatewayLogger: Logger
    private(set) var systems: [String: SimulatedCentralSystem] = [:]
    private(set) var servers: [String: SimulatedBackendServer] = [:]
    private(set) var ports: [String: Int] = [:]
    private(set) var gateway: GatewayServer?
    private(set) var chargePoint: SimulatedChargePoint?
    private let secrets: [String: String]

    /// Why the site did not come up.
    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    init(recorder: DemoRecorder) {
        self.recorder = recorder
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-demo-\(UUID().uuidString)")
        quietLogger = Logger(label: "chargemux.demo.simulators") { _ in SwiftLogNoOpLogHandler() }
        gatewayLogger = Logger(label: "chargemux.demo.gateway") { _ in
            DemoLogHandler { recorder.record(.gateway($0)) }
        }
        var secrets = ["CP_KEY": Self.randomSecret(), "CHARGEMUX_HASH_KEY": Self.randomSecret()]
        for backend in Self.backends { secrets[Self.variable(for: backend.name)] = Self.randomSecret() }
        self.secrets = secrets
    }

    /// `BILLING_KEY` for `billing`.
    static func variable(for backend: String) -> String { backend.uppercased() + "_KEY" }

    /// 32 random hex digits.
    static func randomSecret() -> String {
        (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 16) }.joined()
            .padding(toLength: 32, withPad: "0", startingAt: 0)
    }

    /// The policy file of the copied example, for showing rules' source lines.
    var policyPath: String { directory.appendingPathComponent("site.policy").path }

    /// Copies the example, starts the backends, the gateway and the charge point.
    func start(policyDirectory: String) async throws {
        try copyExample(from: policyDirectory)
        for backend in Self.backends {
            let system = SimulatedCentralSystem(name: backend.name, transactionIdBase: backend.transactionIdBase)
            systems[backend.name] = system
            try await startServer(backend.name, port: 0)
        }
        try startGateway()
        let port = try await gateway?.start().first?.port ?? 0
        guard let url = URL(string: "ws://127.0.0.1:\(port)/ocpp"), let password = secrets["CP_KEY"] else {
            throw SetupError(description: "the gateway did not report its port")
        }
        let recorder = self.recorder
        let chargePoint = try SimulatedChargePoint(
            id: Self.chargePointId, url: url, password: password, eventLoop: group.next(), logger: quietLogger,
            onEvent: { recorder.record(.simulator($0)) })
        self.chargePoint = chargePoint
        chargePoint.start()
        try await chargePoint.waitUntilConnected(timeout: 5)
    }

    private func copyExample(from source: String) throws {
        let files = FileManager.default
        let sourceURL = URL(fileURLWithPath: source)
        guard files.fileExists(atPath: sourceURL.appendingPathComponent("site.policy").path) else {
            throw SetupError(description: "\(source) has no site.policy; run from the repository's root or pass "
                + "--policy-dir with the example's folder")
        }
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in try files.contentsOfDirectory(atPath: source) {
            let from = sourceURL.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard files.fileExists(atPath: from.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try files.copyItem(at: from, to: directory.appendingPathComponent(name))
        }
    }

    /// Starts (or restarts) the simulated backend `name` on `port` (0: the system picks).
    func startServer(_ name: String, port: Int) async throws {
        guard let system = systems[name] else { throw SetupError(description: "no backend `\(name)`") }
        let recorder = self.recorder
        let server = SimulatedBackendServer(
            system: system, host: "127.0.0.1", port: port, password: secrets[Self.variable(for: name)],
            eventLoopGroup: group, logger: quietLogger, onEvent: { recorder.record(.simulator($0)) })
        ports[name] = try await server.start()
        servers[name] = server
    }

    /// Shuts the simulated backend `name` down; its central system (and its ids) stay.
    func stopServer(_ name: String) async {
        await servers.removeValue(forKey: name)?.shutdown()
    }

    private func startGateway() throws {
        let backendLines = Self.backends.map { backend in
            """
              - name: \(backend.name)
                url: ws://127.0.0.1:\(ports[backend.name] ?? 0)/ocpp
                ocppVersion: "1.6"
                securityProfile: 1
                password: env:\(Self.variable(for: backend.name))
            """
        }
        let config = """
            # Written by `chargemux demo`; secrets come from the demo's own environment.
            listen:
              - { address: "127.0.0.1:8180", path: /ocpp, securityProfile: 1 }
            policy: site.policy
            store: sqlite:chargemux.db
            callTimeout: 5
            redaction:
              hashKey: env:CHARGEMUX_HASH_KEY
            chargePoints:
              - id: "CP-*"
                password: env:CP_KEY
            backends:
            \(backendLines.joined(separator: "\n"))
            """
        let configPath = directory.appendingPathComponent("gateway.yaml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let prepared: GatewayContext
        do {
            // Listen on a port the system picks instead of the file's.
            prepared = try GatewayLauncher.prepare(configPath: configPath, environment: secrets, logger: gatewayLogger) { config in
                config.withListeners(config.listeners.map {
                    GatewayConfig.Listener(address: .init(host: "127.0.0.1", port: 0), path: $0.path,
                                           securityProfile: $0.securityProfile, allowInsecure: $0.allowInsecure, tls: $0.tls)
                })
            }
        } catch {
            throw SetupError(description: "\(error)")
        }
        // Quick reconnects, so that a backend's return shows within the demo's seconds.
        let options = BackendConnector.Options(
            backoff: Backoff(base: .milliseconds(400), cap: .seconds(2)), connectTimeout: .seconds(2),
            handshakeTimeout: .seconds(2), closeTimeout: .seconds(1), maxFrameSize: prepared.config.maxFrameSize)
        let context = GatewayContext(config: prepared.config, policies: prepared.policies, redactor: prepared.redactor,
                                     logger: prepared.logger, backendOptions: options)
        gateway = GatewayServer(context: context, eventLoopGroup: group)
    }

    /// Stops the charge point, the gateway, the backends and the threads, and removes the folder.
    /// Call it once; the site cannot start again afterwards.
    func shutdown() async {
        await chargePoint?.stop()
        chargePoint = nil
        await gateway?.shutdown()
        gateway = nil
        for name in servers.keys.sorted() { await stopServer(name) }
        try? await group.shutdownGracefully()
        try? FileManager.default.removeItem(at: directory)
    }
}
