import Foundation
import Gateway
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OCPP
import Testing
import TestSupport

/// A gateway on a loopback port with simulated backends, built from an inline policy, for
/// end-to-end tests over real sockets.
///
/// Every harness has its own ports (chosen by the system) and its own temporary folder, so tests
/// run in parallel. Backends can start after the gateway, stop and restart on the same port, be
/// silent (accept, never answer) or answer the BootNotification Pending or Rejected.
final class GatewayHarness: @unchecked Sendable {
    // @unchecked: the mutable state is behind `lock`.

    /// How one simulated backend behaves.
    struct BackendOptions: Sendable {
        /// The status its BootNotification answers carry.
        var bootStatus = "Accepted"
        /// The `interval` of its BootNotification answers: tells the responders apart.
        var heartbeatInterval = 300
        /// Records calls, never answers them.
        var silent = false
        /// Not started by `start`: `startBackend(name)` starts it later, on the port in the config.
        var startLater = false
        /// When set, the backend wants Basic auth (profile 1) with this password.
        var password: String?
        /// Accepts TCP connections and never answers, not even the WebSocket upgrade.
        var blackHole = false
    }

    let directory: URL
    let group = MultiThreadedEventLoopGroup.singleton
    /// The gateway's logger (the simulators have their own, quiet one).
    let logger: Logger
    let simulatorLogger: Logger
    private let lock = NIOLock()
    private var servers: [String: SimulatedBackendServer] = [:]
    private var systems: [String: SimulatedCentralSystem] = [:]
    private var backendPorts: [String: Int] = [:]
    private var backendPasswords: [String: String] = [:]
    private var blackHoles: [any Channel] = []
    private(set) var server: GatewayServer!
    private(set) var port = 0
    static let chargePointPassword = "cp-password-0123456789"
    /// Short reconnect delays, so that tests of dropped backends finish quickly.
    static let fastBackoff = Backoff(base: .milliseconds(50), cap: .milliseconds(250), resetAfter: .seconds(30))

    /// - Parameter logs: where the gateway logs go (at trace level); by default nowhere.
    init(logs: LogCapture? = nil) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-e2e-\(UUID().uuidString)")
        var quiet = Logger(label: "e2e")
        quiet.logLevel = .critical
        self.simulatorLogger = quiet
        self.logger = logs?.logger ?? quiet
    }

    var policyPath: URL { directory.appendingPathComponent("site.policy") }

    /// Starts one simulated backend per name (transaction ids from 1000, 2000, ...), then the
    /// gateway with `policy`.
    func start(policy: String, backends names: [String], callTimeout: Int = 30, extraConfig: String = "",
               options: [String: BackendOptions] = [:], initialConnectGrace: TimeAmount = .seconds(3)) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try policy.write(to: policyPath, atomically: true, encoding: .utf8)
        var backendLines: [String] = []
        for (offset, name) in names.enumerated() {
            let option = options[name] ?? BackendOptions()
            let system = SimulatedCentralSystem(name: name, transactionIdBase: (offset + 1) * 1000, bootStatus: option.bootStatus,
                                                heartbeatInterval: option.heartbeatInterval, silent: option.silent)
            lock.withLock {
                systems[name] = system
                backendPasswords[name] = option.password
            }
            let port: Int
            if option.blackHole {
                let channel = try await Self.blackHole(group: group)
                port = channel.localAddress?.port ?? 0
                lock.withLock { blackHoles.append(channel) }
            } else if option.startLater {
                port = try await freeListeningPort(group: group)
                lock.withLock { backendPorts[name] = port }
            } else {
                port = try await startBackend(name)
            }
            let security = option.password.map { "securityProfile: 1, password: \"\($0)\"" } ?? "securityProfile: 0"
            backendLines.append("  - { name: \(name), url: \"ws://127.0.0.1:\(port)/ocpp\", ocppVersion: \"1.6\", \(security) }")
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
        let prepared = try GatewayLauncher.prepare(configPath: configPath, environment: [:], logger: logger) { config in
            config.withListeners(config.listeners.map {
                GatewayConfig.Listener(address: .init(host: "127.0.0.1", port: 0), path: $0.path, securityProfile: $0.securityProfile,
                                       allowInsecure: $0.allowInsecure, tls: $0.tls)
            })
        }
        let context = GatewayContext(
            config: prepared.config, policies: prepared.policies, redactor: prepared.redactor, logger: prepared.logger,
            backendOptions: BackendConnector.Options(backoff: Self.fastBackoff, connectTimeout: .seconds(2),
                                                     handshakeTimeout: .seconds(2), closeTimeout: .seconds(1),
                                                     maxFrameSize: prepared.config.maxFrameSize),
            initialConnectGrace: initialConnectGrace)
        server = GatewayServer(context: context, eventLoopGroup: group)
        port = try await server.start().first?.port ?? 0
    }

    /// A server that accepts connections and never reads or answers anything.
    private static func blackHole(group: any EventLoopGroup) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Starts (or restarts, on the same port and with the same central system, so its record
    /// goes on) the backend `name`; returns its port.
    @discardableResult
    func startBackend(_ name: String) async throws -> Int {
        let (system, known, password) = lock.withLock { (systems[name]!, backendPorts[name], backendPasswords[name]) }
        var attempt = 0
        while true {
            attempt += 1
            let port: Int
            if let known { port = known } else { port = try await freeListeningPort(group: group) }
            let backend = SimulatedBackendServer(system: system, port: port, password: password, eventLoopGroup: group,
                                                 logger: simulatorLogger)
            do {
                let bound = try await backend.start()
                lock.withLock {
                    servers[name] = backend
                    backendPorts[name] = bound
                }
                return bound
            } catch where attempt < 20 {
                // A fresh port another harness took meanwhile: another one. A known port: again shortly.
                try await Task.sleep(for: .milliseconds(known == nil ? 0 : 50))
            }
        }
    }

    /// Stops the backend `name` (its connections close with 1001); `startBackend` brings it back.
    func stopBackend(_ name: String) async {
        let backend = lock.withLock { servers.removeValue(forKey: name) }
        await backend?.shutdown()
    }

    /// The running simulated backend `name`.
    func backend(_ name: String) -> SimulatedBackendServer {
        lock.withLock { servers[name]! }
    }

    /// The central system of backend `name` (kept across restarts).
    func system(_ name: String) -> SimulatedCentralSystem {
        lock.withLock { systems[name]! }
    }

    /// Replaces the policy file (then `server.reload()` takes it up).
    func writePolicy(_ policy: String) throws {
        try policy.write(to: policyPath, atomically: true, encoding: .utf8)
    }

    /// A simulated charge point connected to the gateway.
    func chargePoint(_ id: String = "CP-1", password: String? = chargePointPassword,
                     behaviour: SimulatedChargePoint.Behaviour = .init(),
                     onEvent: @escaping @Sendable (SimulatorEvent) -> Void = { _ in }) async throws -> SimulatedChargePoint {
        let chargePoint = try SimulatedChargePoint(id: id, url: URL(string: "ws://127.0.0.1:\(port)/ocpp")!, password: password,
                                                   eventLoop: group.next(), logger: simulatorLogger, behaviour: behaviour,
                                                   onEvent: onEvent)
        chargePoint.start()
        try await chargePoint.waitUntilConnected()
        return chargePoint
    }

    /// A charge point that has booted (answered Accepted) with every backend in `backends`
    /// connected and registered.
    func bootedChargePoint(_ id: String = "CP-1", backends names: [String], behaviour: SimulatedChargePoint.Behaviour = .init(),
                           onEvent: @escaping @Sendable (SimulatorEvent) -> Void = { _ in }) async throws -> SimulatedChargePoint {
        let chargePoint = try await self.chargePoint(id, behaviour: behaviour, onEvent: onEvent)
        let boot = try await chargePoint.call("BootNotification", Self.bootPayload)
        guard case .callResult(_, let answer) = boot, answer["status"] == "Accepted" else {
            throw HarnessError("boot not accepted: \(boot)")
        }
        for name in names {
            try await waitUntil("\(name) to have the BootNotification answered") {
                self.system(name).received.contains { if case .call(_, "BootNotification", _) = $0.frame { true } else { false } }
                    && self.backendConnected(name, id)
            }
        }
        // The BootNotification answers reach the gateway a moment after the backends send them.
        try await Task.sleep(for: .milliseconds(50))
        return chargePoint
    }

    static let bootPayload: JSONValue = ["chargePointModel": "M", "chargePointVendor": "V", "chargeBoxSerialNumber": "BOX-0042"]

    /// Whether backend `name` has charge point `id` connected.
    func backendConnected(_ name: String, _ id: String = "CP-1") -> Bool {
        lock.withLock { servers[name] }?.connectedChargePoints.contains(id) ?? false
    }

    /// Every frame backend `name` received, in order.
    func frames(_ name: String) -> [OCPPFrame] { system(name).received.map(\.frame) }

    /// The calls backend `name` received, as (id, action, payload).
    func calls(_ name: String) -> [(id: String, action: String, payload: JSONValue)] {
        frames(name).compactMap { frame in
            if case .call(let id, let action, let payload) = frame { return (id, action, payload) }
            return nil
        }
    }

    /// The actions backend `name` received.
    func actions(_ name: String) -> [String] { calls(name).map(\.action) }

    /// Waits until backend `name` received `count` calls of `action`; returns them all.
    @discardableResult
    func waitForCalls(_ name: String, _ action: String, count: Int = 1, timeout: Duration = .seconds(5))
        async throws -> [(id: String, action: String, payload: JSONValue)]
    {
        try await waitFor("\(count) \(action) at \(name)", timeout: timeout) {
            let calls = self.calls(name).filter { $0.action == action }
            return calls.count >= count ? calls : nil
        }
    }

    func stop() async {
        await server?.shutdown()
        let (all, holes) = lock.withLock { (Array(servers.values), blackHoles) }
        for backend in all { await backend.shutdown() }
        for hole in holes { try? await hole.close() }
        try? FileManager.default.removeItem(at: directory)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension SimulatedChargePoint {
    /// The answers (CALLRESULT, CALLERROR) received for message id `id`.
    func answers(to id: String) -> [OCPPFrame] {
        receivedFrames.filter { frame in
            if case .call = frame { return false }
            return frame.messageId == id
        }
    }
}

extension OCPPFrame {
    /// The CALLERROR's code, or nil.
    var errorCode: String? {
        if case .callError(_, let code, _, _) = self { return code }
        return nil
    }

    /// The CALLERROR's description, or nil.
    var errorDescription: String? {
        if case .callError(_, _, let description, _) = self { return description }
        return nil
    }

    /// The CALLRESULT's payload, or nil.
    var resultPayload: JSONValue? {
        if case .callResult(_, let payload) = self { return payload }
        return nil
    }

    var action: String? {
        if case .call(_, let action, _) = self { return action }
        return nil
    }

    var isCall: Bool { action != nil }
}

/// The schema violations of a request (`response: false`) or answer payload of `action`.
func schemaViolations(_ action: String, _ payload: JSONValue, response: Bool = false) -> [String] {
    guard let spec = OCPPCatalog.v16.action(named: action) else { return ["unknown action \(action)"] }
    return OCPPCatalog.v16.validate(payload, against: response ? spec.response : spec.request).map { "\($0.path): \($0.message)" }
}
