import Foundation
import Gateway
import Logging
import NIOPosix
import OCPP
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `chargemux run` killed with SIGKILL at the named points (the test-only hook
/// `CHARGEMUX_TEST_CRASH_AT`), restarted on the same store and ports: per backend, the exact
/// messages and ids.
@Suite("chargemux run: SIGKILL and restart", .serialized, .timeLimit(.minutes(2)))
struct CrashRecoveryTests {
    static let policy = """
        policy "crash" for ocpp 1.6
        primary billing
        owner billing otherwise
        route BootNotification, StatusNotification to all
        route Heartbeat to gateway
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        route StartTransaction, StopTransaction, MeterValues to ems
        redact idTag for ems as owner
        """
    static let password = "crash-test-password-0123"
    static let start: JSONValue = ["connectorId": 1, "idTag": "USER-1", "meterStart": 0, "timestamp": "2026-11-21T08:00:00Z"]
    static func stop(_ id: Int) -> JSONValue {
        ["meterStop": 3000, "timestamp": "2026-11-21T09:00:00Z", "transactionId": .integer(id)]
    }

    /// Simulated backends in this process, the gateway as a child process.
    final class Site: @unchecked Sendable {
        // @unchecked: used by one test task.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-crash-\(UUID().uuidString)")
        let group = MultiThreadedEventLoopGroup.singleton
        let logger = Logger(label: "crash-test", factory: { _ in SwiftLogNoOpLogHandler() })
        var systems: [String: SimulatedCentralSystem] = [:]
        var servers: [SimulatedBackendServer] = []
        /// The gateway's port, kept across its restarts (``freeListeningPort(group:)``).
        private(set) var port = 0
        var configPath: String { folder.appendingPathComponent("gateway.yaml").path }

        var ports: [String: Int] = [:]
        /// Every gateway process started; `stop()` ends those still running.
        private var gateways: [Process] = []

        /// Backend `name` (down from the start) listens on its port.
        func bringUp(_ name: String) async throws {
            let server = SimulatedBackendServer(system: systems[name]!, port: ports[name]!, eventLoopGroup: group, logger: logger)
            _ = try await server.start()
            servers.append(server)
        }

        func start(down: Set<String> = []) async throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if port == 0 { port = try await freeListeningPort(group: group) }
            try CrashRecoveryTests.policy.write(to: folder.appendingPathComponent("site.policy"), atomically: true, encoding: .utf8)
            var lines: [String] = []
            for (offset, name) in ["billing", "ems"].enumerated() {
                // billing recognises a retransmitted call by its message id, as some backends do.
                let system = SimulatedCentralSystem(name: name, transactionIdBase: (offset + 1) * 1000,
                                                    recognisesRetransmissions: name == "billing")
                let server = SimulatedBackendServer(system: system, eventLoopGroup: group, logger: logger)
                let backendPort = try await server.start()
                systems[name] = system
                ports[name] = backendPort
                if down.contains(name) { await server.shutdown() } else { servers.append(server) }
                lines.append("  - { name: \(name), url: \"ws://127.0.0.1:\(backendPort)/ocpp\", ocppVersion: \"1.6\", securityProfile: 0 }")
            }
            try """
                listen:
                  - { address: "127.0.0.1:\(port)", path: /ocpp, securityProfile: 1 }
                policy: site.policy
                redaction: { hashKey: "crash-hash-key-0123456789" }
                chargePoints:
                  - { id: "CP-*", password: "\(CrashRecoveryTests.password)" }
                backends:
                \(lines.joined(separator: "\n"))
                """.write(toFile: configPath, atomically: true, encoding: .utf8)
        }

        /// Starts `chargemux run`; returns it once it logged "gateway started".
        func runGateway(crashAt: String?) async throws -> (Process, RunCommandTests.Output) {
            let binary = try #require(ExecutableTests.executable, "build the executable first: `swift build`")
            let (process, output) = try startWatched(binary, ["run", "--config", configPath],
                                                     environment: crashAt.map { ["CHARGEMUX_TEST_CRASH_AT": $0] } ?? [:])
            gateways.append(process)
            #expect(await output.waitFor("gateway started"), "\(output.value)")
            return (process, output)
        }

        /// Kills the gateway with SIGKILL and waits for it to end.
        func kill9(_ gateway: Process) {
            kill(gateway.processIdentifier, SIGKILL)
            gateway.waitUntilExit()
        }

        /// Starts the gateway again on the same store and ports (no crash point), and waits until
        /// `chargePoint` has reconnected.
        func restart(_ chargePoint: SimulatedChargePoint) async throws -> RunCommandTests.Output {
            let (_, output) = try await runGateway(crashAt: nil)
            try await Task.sleep(for: .milliseconds(500))
            try await chargePoint.waitUntilConnected()
            return output
        }

        /// Sends `action` until it is answered, as a charge point retries what got no answer (up
        /// to 20 attempts); `nil` when none was.
        func retry(_ chargePoint: SimulatedChargePoint, _ action: String, _ payload: JSONValue) async throws -> OCPPFrame? {
            for _ in 0..<20 {
                if let answer = try? await chargePoint.call(action, payload, timeout: 5) { return answer }
                try await Task.sleep(for: .milliseconds(300))
            }
            return nil
        }

        func chargePoint() async throws -> SimulatedChargePoint {
            let chargePoint = try SimulatedChargePoint(
                id: "CP-1", url: URL(string: "ws://127.0.0.1:\(port)/ocpp")!, password: CrashRecoveryTests.password,
                eventLoop: group.next(), logger: logger, reconnect: Backoff(base: .milliseconds(100), cap: .milliseconds(300)))
            chargePoint.start()
            try await chargePoint.waitUntilConnected()
            return chargePoint
        }

        /// Backend `name`'s calls: (message id, action, payload).
        func calls(_ name: String) -> [(id: String, action: String, payload: JSONValue)] {
            (systems[name]?.received ?? []).compactMap { received in
                if case .call(let id, let action, let payload) = received.frame { return (id, action, payload) }
                return nil
            }
        }

        func stop() async {
            for gateway in gateways where gateway.isRunning {
                kill(gateway.processIdentifier, SIGTERM)
                gateway.waitUntilExit()
            }
            for server in servers { await server.shutdown() }
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Runs a transaction whose start kills the gateway at `crashAt`, restarts it, retries the
    /// start as a charge point does, stops; returns the site for the assertions.
    ///
    /// - Parameter silentCopy: ems does not answer StartTransaction before the crash, so its copy
    ///   is certainly unacknowledged when the gateway dies.
    private func crashDuringStart(at crashAt: String, silentCopy: Bool = false) async throws -> (Site, answered: Int?) {
        let site = Site()
        try await site.start()
        if silentCopy { site.systems["ems"]!.setSilent(["StartTransaction"]) }
        let (first, _) = try await site.runGateway(crashAt: crashAt)
        let chargePoint = try await site.chargePoint()
        let boot = try await chargePoint.call("BootNotification", ["chargePointModel": "M", "chargePointVendor": "V"])
        guard case .callResult = boot else { Issue.record("boot: \(boot)"); return (site, nil) }
        let lost = try? await chargePoint.call("StartTransaction", Self.start, timeout: 5)
        #expect(lost == nil, "the gateway answered before it was killed: \(String(describing: lost))")
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal && first.terminationStatus == SIGKILL)
        site.systems["ems"]!.setSilent([])

        let output = try await site.restart(chargePoint)
        // The charge point sends the unanswered StartTransaction again, as OCPP has it do.
        let retried = try await site.retry(chargePoint, "StartTransaction", Self.start)
        guard case .callResult(_, let started)? = retried, let id = started["transactionId"]?.intValue else {
            Issue.record("retried start: \(String(describing: retried))\n\(output.value)"); return (site, nil)
        }
        let stop = try await chargePoint.call("StopTransaction", Self.stop(id))
        guard case .callResult = stop else { Issue.record("stop: \(stop)"); return (site, id) }
        let deadline = Date().addingTimeInterval(10)
        while site.calls("ems").last?.action != "StopTransaction", Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(200))
        await chargePoint.stop()
        return (site, id)
    }

    @Test("SIGKILL between receiving the start and forwarding it (before or after the store commit): after the restart every backend gets it once, with its ids",
          arguments: ["after-receive-before-store", "after-store-before-forward"])
    func killedBetweenReceiveAndForward(crashAt: String) async throws {
        let (site, id) = try await crashDuringStart(at: crashAt)
        defer { Task { await site.stop() } }
        #expect(id == 1000)
        let billing = site.calls("billing")
        #expect(billing.map(\.action) == ["BootNotification", "BootNotification", "StartTransaction", "StopTransaction"])
        #expect(billing.last?.payload["transactionId"] == 1000)
        let ems = site.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "BootNotification", "StartTransaction", "StopTransaction"])
        #expect(ems.dropFirst(2).first?.payload["idTag"] == "billing")
        #expect(ems.last?.payload["transactionId"] == 2000)

        // `chargemux sessions` shows the session the gateway recorded, once.
        let sessions = try ExecutableTests.run(["sessions", "--config", site.configPath, "--format", "csv"])
        let csv = sessions.stdout
        #expect(sessions.status == 0, "\(sessions.stderr)")
        let rows = csv.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("CP-1,") }
        #expect(rows.count == 1, "\(csv)")
        #expect(rows.first?.contains("billing") == true && rows.first?.contains("3.000") == true, "\(csv)")
    }

    @Test("SIGKILL after the start was forwarded, before the owner's answer was relayed: the owner gets it again with the same message id (at least once), the copy once by message id")
    func killedBetweenForwardAndAnswer() async throws {
        let (site, id) = try await crashDuringStart(at: "after-forward-before-answer", silentCopy: true)
        defer { Task { await site.stop() } }
        // OCPP gives no other choice: the owner's first answer died with the gateway, so the
        // retried start goes to it again, with the first attempt's message id; billing recognises
        // the retransmission and answers with the same id, so it has one transaction.
        #expect(id == 1000)
        let billing = site.calls("billing")
        #expect(billing.map(\.action) == ["BootNotification", "StartTransaction", "BootNotification", "StartTransaction", "StopTransaction"])
        #expect(billing.count == 5 && billing[1].id == billing[3].id && billing[1].payload == billing[3].payload)
        #expect(billing.last?.payload["transactionId"] == 1000)
        // The copy was queued once, with the first attempt. Whether it went out before the kill
        // is a race; if it did (unanswered), the resend after the restart has the same message id.
        let ems = site.calls("ems")
        let actions = ems.map(\.action)
        #expect(actions == ["BootNotification", "StartTransaction", "BootNotification", "StartTransaction", "StopTransaction"]
            || actions == ["BootNotification", "BootNotification", "StartTransaction", "StopTransaction"], "\(actions)")
        let emsStarts = ems.filter { $0.action == "StartTransaction" }
        #expect(!emsStarts.isEmpty && Set(emsStarts.map(\.id)).count == 1)
        #expect(emsStarts.allSatisfy { $0.payload == emsStarts[0].payload && $0.payload["idTag"] == "billing" })
        #expect(ems.last?.payload["transactionId"] == 2000)
    }

    @Test("SIGKILL with a backend down that missed StatusNotifications: after the restart it gets the latest per connector, after the boot")
    func killedWithMissedStatus() async throws {
        let site = Site()
        try await site.start(down: ["ems"])
        defer { Task { await site.stop() } }
        let (first, _) = try await site.runGateway(crashAt: nil)
        let chargePoint = try await site.chargePoint()
        _ = try await chargePoint.call("BootNotification", ["chargePointModel": "M", "chargePointVendor": "V"])
        func status(_ connector: Int, _ status: String, _ error: String = "NoError") -> JSONValue {
            ["connectorId": .integer(connector), "errorCode": .string(error), "status": .string(status)]
        }
        for payload in [status(1, "Preparing"), status(2, "Available"), status(1, "Charging"), status(2, "Faulted", "GroundFailure")] {
            guard case .callResult = try await chargePoint.call("StatusNotification", payload) else { Issue.record("status"); return }
        }
        site.kill9(first)
        _ = try await site.restart(chargePoint)
        try await site.bringUp("ems")
        let deadline = Date().addingTimeInterval(10)
        while site.calls("ems").count < 3, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(300))
        await chargePoint.stop()

        #expect(site.calls("billing").map(\.action) == ["BootNotification"] + Array(repeating: "StatusNotification", count: 4) + ["BootNotification"])
        let ems = site.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "StatusNotification", "StatusNotification"])
        #expect(ems.dropFirst().map(\.payload) == [status(1, "Charging"), status(2, "Faulted", "GroundFailure")])
    }

    @Test("SIGKILL mid-transaction with a backend down throughout: after the restart the stop reaches the owner with its id, and the queue survives with every message once")
    func killedMidTransaction() async throws {
        let site = Site()
        try await site.start(down: ["ems"])
        defer { Task { await site.stop() } }
        let (first, _) = try await site.runGateway(crashAt: nil)
        let chargePoint = try await site.chargePoint()
        _ = try await chargePoint.call("BootNotification", ["chargePointModel": "M", "chargePointVendor": "V"])
        let start = try await chargePoint.call("StartTransaction", Self.start)
        guard case .callResult(_, let started) = start, let id = started["transactionId"]?.intValue else {
            Issue.record("start: \(start)"); return
        }
        #expect(id == 1000)
        let meter: JSONValue = ["connectorId": 1, "transactionId": .integer(id),
                                "meterValue": [["timestamp": "2026-11-21T08:10:00Z", "sampledValue": [["value": "1500"]]]]]
        guard case .callResult = try await chargePoint.call("MeterValues", meter) else { Issue.record("meter"); return }
        site.kill9(first)
        let output = try await site.restart(chargePoint)
        let stop = try await site.retry(chargePoint, "StopTransaction", Self.stop(id))
        guard case .callResult? = stop else { Issue.record("stop: \(String(describing: stop))\n\(output.value)"); return }
        try await site.bringUp("ems")
        let deadline = Date().addingTimeInterval(10)
        while site.calls("ems").last?.action != "StopTransaction", Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(200))
        await chargePoint.stop()

        let billing = site.calls("billing")
        #expect(billing.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "BootNotification", "StopTransaction"])
        #expect(billing.last?.payload["transactionId"] == 1000)
        let ems = site.calls("ems")
        #expect(ems.map(\.action) == ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"])
        #expect(ems.count == 4 && ems[1].payload["idTag"] == "billing")
        #expect(ems.suffix(2).map { $0.payload["transactionId"] } == [2000, 2000])
    }
}
