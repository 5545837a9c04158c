import Foundation
import Logging
import NIOPosix
import Testing
@testable import chargemux

/// The load test's modes for scale runs: the idle profile, and backends served by another
/// process (`--serve-backends`) that the load test asks what they got (`--external-backends`).
@Suite("chargemux loadtest: idle profile, external backends", .timeLimit(.minutes(1)), .serialized)
struct LoadtestScaleModeTests {
    @Test("idle profile through a gateway, the three backends served apart: every call at every backend")
    func idleWithExternalBackends() async throws {
        let ports = try await LoadtestGateway.freePorts(3)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "test.backends")
        logger.logLevel = .critical
        // As `chargemux loadtest --serve-backends` would, here in the test's process.
        let served = try await LoadBackendServers.start(ports: ports, eventLoopGroup: group, logger: logger)
        let gateway = LoadtestGateway()
        try await gateway.start(backendPorts: ports)
        var options = LoadtestTests.options(target: "ws://127.0.0.1:\(gateway.port)/ocpp", ports: ports, expect: .all,
                                            password: LoadtestGateway.password)
        options.profile = .idle
        options.interval = 0.4
        options.messages = nil
        options.duration = 2
        options.externalBackends = true
        let report: LoadtestReport
        do {
            report = try await Loadtest(options: options).run()
        } catch {
            await gateway.shutdown()
            await served.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
        await gateway.shutdown()
        let calls = try await served.totalCalls()
        await served.shutdown()
        try? await group.shutdownGracefully()

        #expect(report.passed, "\(report.text)")
        #expect(report.connected == 5)
        #expect(report.linkSeconds != nil)
        #expect(report.undeliveredByBackend.keys.sorted() == ports.sorted())
        #expect(report.backendCalls.isEmpty)
        let actions = Set(LoadAction.allCases.filter { report.actions[$0.rawValue].answered > 0 })
        #expect(actions == [.bootNotification, .statusNotification, .heartbeat, .meterValues])
        // About one call per charge point every 0.2 s after the boot: neither silent nor flooding.
        #expect(report.actions[LoadAction.heartbeat.rawValue].answered >= 5)
        #expect(report.messages < 5 * 2 + 5 * 15)
        #expect(calls == [report.messages, report.messages, report.messages])
        let json = report.json
        #expect(json["profile"]?.stringValue == "idle")
        #expect(json["linkSeconds"]?.doubleValue != nil)
    }

    @Test("external backends that are not there: the load test says so instead of measuring nothing")
    func missingExternalBackends() async throws {
        let ports = try await LoadtestGateway.freePorts(1)
        var options = LoadtestTests.options(target: "ws://127.0.0.1:\(ports[0])/ocpp", ports: ports, expect: .first)
        options.externalBackends = true
        await #expect(throws: LoadtestFailure.self) { _ = try await Loadtest(options: options).run() }
    }

    @Test("markers travel as ranges", arguments: [[], [7], [1, 2, 3, 5, 7, 8], Array(1...1000) + [1002]])
    func markerRanges(markers: [Int]) {
        let encoded = LoadControl.encode(Set(markers))
        #expect(LoadControl.decode(encoded) == Set(markers))
        if markers == [1, 2, 3, 5, 7, 8] { #expect(encoded == "1-3,5,7-8") }
        #expect(LoadControl.decode("3-1") == nil)
        #expect(LoadControl.decode("x") == nil)
    }

    @Test("--serve-backends takes no target; --profile and --interval are parsed")
    func parsing() throws {
        let serve = try #require(try Chargemux.parseAsRoot(["loadtest", "--serve-backends", "9001,9002"]) as? LoadtestCommand)
        #expect(try serve.serveOptions()?.ports == [9001, 9002])
        #expect(try serve.serveOptions()?.seconds == 3600)
        #expect(throws: (any Error).self) {
            _ = try Chargemux.parseAsRoot(["loadtest", "--serve-backends", "9001", "--target", "ws://127.0.0.1:1/ocpp"])
        }
        let idle = try #require(try Chargemux.parseAsRoot([
            "loadtest", "--target", "ws://127.0.0.1:8180/ocpp", "--backends", "9001", "--profile", "idle", "--interval", "30s",
            "--external-backends",
        ]) as? LoadtestCommand)
        let options = try idle.options()
        #expect(options.profile == .idle)
        #expect(options.interval == 30)
        #expect(options.externalBackends)
    }
}
