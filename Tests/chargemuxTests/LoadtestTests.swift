import Foundation
import Gateway
import Logging
import NIOPosix
import OCPP
import Testing
@testable import chargemux

/// A gateway in this process, routing every charge point call to both of the load test's
/// backends, for the load test to measure.
final class LoadtestGateway: @unchecked Sendable {
    // @unchecked: set up once in `start`, then only read.
    static let password = "loadtest-password-0123456789"
    static let policy = """
        policy "loadtest" for ocpp 1.6
        primary b1
        route BootNotification, Heartbeat, StatusNotification, Authorize, StartTransaction, StopTransaction, MeterValues, DataTransfer to all
        allow all GetConfiguration, TriggerMessage
        """

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-loadtest-\(UUID().uuidString)")
    private(set) var server: GatewayServer?
    private(set) var port = 0

    func start(backendPorts: [Int]) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.policy.write(to: directory.appendingPathComponent("site.policy"), atomically: true, encoding: .utf8)
        let backends = backendPorts.enumerated().map { offset, port in
            "  - { name: b\(offset + 1), url: \"ws://127.0.0.1:\(port)/ocpp\", ocppVersion: \"1.6\", securityProfile: 0 }"
        }
        let config = """
            listen:
              - { address: "127.0.0.1:8180", path: /ocpp, securityProfile: 1 }
            policy: site.policy
            callTimeout: 30
            redaction: { hashKey: "loadtest-hash-key-0123456789" }
            chargePoints:
              - { id: "LT*", password: "\(Self.password)" }
            backends:
            \(backends.joined(separator: "\n"))
            """
        let configPath = directory.appendingPathComponent("gateway.yaml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        var logger = Logger(label: "loadtest.gateway")
        logger.logLevel = .critical
        let prepared = try GatewayLauncher.prepare(configPath: configPath, environment: [:], logger: logger) { config in
            config.withListeners(config.listeners.map {
                GatewayConfig.Listener(address: .init(host: "127.0.0.1", port: 0), path: $0.path, securityProfile: $0.securityProfile,
                                       allowInsecure: $0.allowInsecure, tls: $0.tls)
            })
        }
        let context = GatewayContext(config: prepared.config, policies: prepared.policies, redactor: prepared.redactor,
                                     logger: prepared.logger)
        let server = GatewayServer(context: context, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        self.server = server
        port = try await server.start().first?.port ?? 0
    }

    func shutdown() async {
        await server?.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Ports nothing listens on now (bound and released), for the load test's backends.
    static func freePorts(_ count: Int) async throws -> [Int] {
        var ports: [Int] = []
        while ports.count < count {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: "127.0.0.1", port: 0).get()
            let port = channel.localAddress?.port ?? 0
            try await channel.close()
            if !ports.contains(port) { ports.append(port) }
        }
        return ports
    }
}

@Suite("chargemux loadtest", .timeLimit(.minutes(1)), .serialized)
struct LoadtestTests {
    static func options(target: String, ports: [Int], expect: LoadtestOptions.Expectation,
                        password: String? = nil) -> LoadtestOptions {
        var options = LoadtestOptions(target: URL(string: target)!, backendPorts: ports, chargePoints: 5, duration: 20,
                                      messages: 200, rate: nil, window: 5, password: password, expect: expect)
        options.threads = 2
        options.connectTimeout = 10
        return options
    }

    static func checkJSONShape(_ report: LoadtestReport) throws {
        let parsed = try JSONValue(parsing: report.json.serialized)
        #expect(parsed["messagesPerSecond"]?.doubleValue ?? 0 > 0)
        for key in ["p50", "p99", "p999", "max"] {
            #expect(parsed["latencyMs"]?[key]?.doubleValue != nil, "latencyMs.\(key)")
        }
        #expect(parsed["errors"]?.intValue == 0)
        #expect(parsed["undelivered"]?.intValue == 0)
        #expect(parsed["actions"]?["MeterValues"]?["latencyMs"]?["p99"]?.doubleValue != nil)
        #expect(parsed["actions"]?["BootNotification"]?["count"]?.intValue == 5)
        for hop in ["toFirstBackend", "backFromFirstBackend"] {
            #expect(parsed["hopsMs"]?[hop]?["p99"]?.doubleValue != nil, "hopsMs.\(hop)")
        }
    }

    /// Every answered call has its two hops (the first backend answers in these runs), and
    /// neither hop is longer than the slowest call.
    static func checkHops(_ report: LoadtestReport) {
        guard let hops = report.hops else {
            Issue.record("no hops with the backends in the load test's process")
            return
        }
        #expect(hops.out.answered == report.messages)
        #expect(hops.back.answered == report.messages)
        #expect(hops.out.latency.max <= report.overall.latency.max)
        #expect(hops.back.latency.max <= report.overall.latency.max)
    }

    @Test("direct against its own backend: 200 messages, all delivered, no errors")
    func direct() async throws {
        let ports = try await LoadtestGateway.freePorts(1)
        let report = try await Loadtest(options: Self.options(target: "ws://127.0.0.1:\(ports[0])/ocpp", ports: ports,
                                                              expect: .first)).run()
        #expect(report.connected == 5)
        #expect(report.messages == 200)
        #expect(report.errors == 0, "\(report.text)")
        #expect(report.undelivered == 0, "\(report.text)")
        #expect(report.wrongTransactionIds == 0)
        #expect(report.messagesPerSecond > 0)
        #expect(report.passed)
        try Self.checkJSONShape(report)
        Self.checkHops(report)
    }

    @Test("through an in-process gateway to two backends: every message at both, each with its own transaction ids")
    func throughGateway() async throws {
        let ports = try await LoadtestGateway.freePorts(2)
        let gateway = LoadtestGateway()
        try await gateway.start(backendPorts: ports)
        let report: LoadtestReport
        do {
            report = try await Loadtest(options: Self.options(
                target: "ws://127.0.0.1:\(gateway.port)/ocpp", ports: ports, expect: .all, password: LoadtestGateway.password)).run()
        } catch {
            await gateway.shutdown()
            throw error
        }
        await gateway.shutdown()
        #expect(report.connected == 5)
        #expect(report.messages == 200)
        #expect(report.errors == 0, "\(report.text)")
        #expect(report.undelivered == 0, "\(report.text)")
        #expect(report.undeliveredByBackend.keys.sorted() == ports.sorted())
        #expect(report.wrongTransactionIds == 0, "\(report.text)")
        #expect(report.passed, "\(report.text)")
        try Self.checkJSONShape(report)
        Self.checkHops(report)
    }

    @Test("a window of one call across ten charge points, at a rate: bounded, all delivered")
    func windowAndRate() async throws {
        let ports = try await LoadtestGateway.freePorts(1)
        var options = Self.options(target: "ws://127.0.0.1:\(ports[0])/ocpp", ports: ports, expect: .first)
        options.chargePoints = 10
        options.window = 1
        options.messages = 50
        options.rate = 500
        let report = try await Loadtest(options: options).run()
        #expect(report.connected == 10)
        #expect(report.messages == 50)
        #expect(report.passed, "\(report.text)")
    }

    @Test("a target off loopback is refused with exit status 2", arguments: [
        "ws://10.0.0.1:8180/ocpp", "ws://example.com/ocpp", "ws://localhost:8180/ocpp", "ws://[::1]:8180/ocpp",
        "wss://127.0.0.1:8180/ocpp",
    ])
    func refusesNonLoopback(target: String) throws {
        #expect(throws: LoadtestUsageError.self) {
            try Loadtest.validate(Self.options(target: target, ports: [9001], expect: .all))
        }
        do {
            _ = try Chargemux.parseAsRoot(["loadtest", "--target", target, "--backends", "9001"])
            Issue.record("\(target) was accepted")
        } catch {
            #expect(Chargemux.exitStatus(for: error) == 2)
        }
    }

    @Test("durations, loopback hosts and thread counts are checked as documented")
    func parsing() {
        #expect(LoadtestOptions.parseDuration("20s") == 20)
        #expect(LoadtestOptions.parseDuration("500ms") == 0.5)
        #expect(LoadtestOptions.parseDuration("2m") == 120)
        #expect(LoadtestOptions.parseDuration("7") == 7)
        #expect(LoadtestOptions.parseDuration("-1s") == nil)
        #expect(LoadtestOptions.parseDuration("soon") == nil)
        #expect(LoadtestOptions.isLoopback("127.0.0.1"))
        #expect(LoadtestOptions.isLoopback("127.1.2.3"))
        #expect(!LoadtestOptions.isLoopback("128.0.0.1"))
        #expect(!LoadtestOptions.isLoopback("127.0.0"))
        var options = Self.options(target: "ws://127.0.0.1:9001/ocpp", ports: [9001], expect: .all)
        options.threads = 0
        #expect(throws: LoadtestUsageError.self) { try Loadtest.validate(options) }
        #expect(LoadtestOptions.chargePointId(0) == "LT0001")
        #expect(LoadtestOptions.chargePointId(12344) == "LT12345")
    }
}
