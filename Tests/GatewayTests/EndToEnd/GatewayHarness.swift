import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import OCPP
import Testing

/// A gateway on a loopback port with simulated backends, built from an inline policy, for
/// end-to-end tests over real sockets.
final class GatewayHarness: @unchecked Sendable {
    // @unchecked: set up once in `start`, read-only afterwards.
    let directory: URL
    let group = MultiThreadedEventLoopGroup.singleton
    let logger: Logger
    private(set) var backends: [String: SimulatedBackendServer] = [:]
    private(set) var server: GatewayServer!
    private(set) var port = 0
    static let chargePointPassword = "cp-password-0123456789"

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-e2e-\(UUID().uuidString)")
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// Starts one simulated backend per name (transaction ids from 1000, 2000, ...), then the
    /// gateway with `policy`.
    func start(policy: String, backends names: [String], callTimeout: Int = 30, extraConfig: String = "") async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try policy.write(to: directory.appendingPathComponent("site.policy"), atomically: true, encoding: .utf8)
        var backendLines: [String] = []
        for (offset, name) in names.enumerated() {
            let system = SimulatedCentralSystem(name: name, transactionIdBase: (offset + 1) * 1000)
            let backend = SimulatedBackendServer(system: system, eventLoopGroup: group, logger: logger)
            let port = try await backend.start()
            backends[name] = backend
            backendLines.append("  - { name: \(name), url: \"ws://127.0.0.1:\(port)/ocpp\", ocppVersion: \"1.6\", securityProfile: 0 }")
        }
        let config = """
            listen:
              - { address: "127.0.0.1:8180", path: /ocpp, securityProfile: 1 }
            policy: site.policy
            callTimeout: \(callTimeout)
            redaction: { hashKey: "e2e-hash-key-0123456789" }
            chargePoints:
              - { id: "CP-*", password: "\(Self.chargePointPassword)" }
            backends:
            \(backendLines.joined(separator: "\n"))
            \(extraConfig)
            """
        let configPath = directory.appendingPathComponent("gateway.yaml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        // Listen on a port the system picks instead of the file's.
        let context = try GatewayLauncher.prepare(configPath: configPath, environment: [:], logger: logger) { config in
            config.withListeners(config.listeners.map {
                GatewayConfig.Listener(address: .init(host: "127.0.0.1", port: 0), path: $0.path, securityProfile: $0.securityProfile,
                                       allowInsecure: $0.allowInsecure, tls: $0.tls)
            })
        }
        server = GatewayServer(context: context, eventLoopGroup: group)
        port = try await server.start().first?.port ?? 0
    }

    /// A simulated charge point connected to the gateway.
    func chargePoint(_ id: String = "CP-1", password: String? = chargePointPassword) async throws -> SimulatedChargePoint {
        let chargePoint = try SimulatedChargePoint(id: id, url: URL(string: "ws://127.0.0.1:\(port)/ocpp")!, password: password,
                                                   eventLoop: group.next(), logger: logger)
        chargePoint.start()
        try await chargePoint.waitUntilConnected()
        return chargePoint
    }

    /// The calls backend `name` received, as (action, payload).
    func calls(_ name: String) -> [(action: String, payload: JSONValue)] {
        (backends[name]?.system.received ?? []).compactMap { received in
            if case .call(_, let action, let payload) = received.frame { return (action, payload) }
            return nil
        }
    }

    func stop() async {
        await server?.shutdown()
        for backend in backends.values { await backend.shutdown() }
        try? FileManager.default.removeItem(at: directory)
    }
}
