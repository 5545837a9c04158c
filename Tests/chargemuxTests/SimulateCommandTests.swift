import ArgumentParser
import Foundation
import Gateway
import Logging
import NIOPosix
import OCPP
import Testing
@testable import chargemux

@Suite("chargemux simulate", .timeLimit(.minutes(1)))
struct SimulateCommandTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A simulated backend as `simulate backend` runs it, on a port the system picks.
    static func backend(bootStatus: String = "Accepted", password: String? = "backend-pw", events: CollectedLines? = nil)
        async throws -> (SimulatedBackendServer, Int)
    {
        let system = SimulatedCentralSystem(name: "billing", transactionIdBase: 1000, bootStatus: bootStatus)
        let server = SimulatedBackendServer(system: system, port: 0, password: password,
                                            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: quiet,
                                            onEvent: { event in events?.append(SimulatorEventLine.line(for: event)) })
        return (server, try await server.start())
    }

    @Test("simulate chargepoint --story boot-only against simulate backend: every call answered, each printed")
    func bootOnlyAgainstBackend() async throws {
        let backendLines = CollectedLines()
        let (server, port) = try await Self.backend(events: backendLines)
        let lines = CollectedLines()
        let report = try await ChargePointStoryRun.run(
            story: .bootOnly, url: "ws://127.0.0.1:\(port)/ocpp", id: "CP-7", password: "backend-pw",
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Self.quiet, callTimeout: 5,
            print: { lines.append($0) })
        await server.shutdown()
        #expect(report.succeeded)
        #expect(report.steps.map(\.action) == ["BootNotification", "StatusNotification"])
        #expect(report.step("boot")?.answerPayload?["status"] == "Accepted")
        #expect(server.system.received.compactMap { if case .call(_, let action, _) = $0.frame { action } else { nil } }
            == ["BootNotification", "StatusNotification"])
        #expect(lines.all.contains { $0.hasPrefix("boot") && $0.contains("BootNotification #CP-7-1") })
        #expect(lines.all.last == "story boot-only: 2 calls, all answered with CALLRESULT")
        #expect(backendLines.all.contains { $0.hasPrefix("billing ← CP-7") && $0.contains("CALL       BootNotification #CP-7-1") })
        #expect(backendLines.all.contains { $0.hasPrefix("billing → CP-7") && $0.contains("CALLRESULT #CP-7-1 {status Accepted") })
    }

    @Test("--boot-status Rejected is what the charge point gets")
    func rejectedBoot() async throws {
        let (server, port) = try await Self.backend(bootStatus: "Rejected", password: nil)
        let report = try await ChargePointStoryRun.run(
            story: .bootOnly, url: "ws://127.0.0.1:\(port)/ocpp", id: "CP-1", password: nil,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Self.quiet, callTimeout: 5, print: { _ in })
        await server.shutdown()
        #expect(report.step("boot")?.answerPayload?["status"] == "Rejected")
    }

    @Test("a wrong password: the charge point cannot connect, and says so within the timeout")
    func wrongPassword() async throws {
        let (server, port) = try await Self.backend()
        await #expect(throws: ChargePointStoryRun.Failure.self) {
            _ = try await ChargePointStoryRun.run(
                story: .bootOnly, url: "ws://127.0.0.1:\(port)/ocpp", id: "CP-1", password: "wrong",
                eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Self.quiet, connectTimeout: 1, print: { _ in })
        }
        await server.shutdown()
    }

    @Test("the linking-world story through the gateway: every call answered, each owner's ids")
    func storyThroughGateway() async throws {
        let site = DemoSite(recorder: DemoRecorder())
        try await site.start(policyDirectory: DemoTests.linkingWorld)
        let chargePoint = try #require(site.chargePoint)
        let report = await ChargePointStoryRunner(callTimeout: 5).run(.linkingWorld, on: chargePoint)
        await site.shutdown()
        #expect(report.succeeded, "\(report.steps.filter { !$0.succeeded }.map(\.outcome))")
        #expect(report.steps.count == ChargePointStory.linkingWorld.steps.count)
        #expect(report.memory.transactionIds == ["fleet": 2000, "employee": 1000, "visitor": 4000])
    }

    @Test("command lines parse; bad ones are usage errors")
    func commandLines() throws {
        let backend = try SimulateBackendCommand.parse(
            ["--listen", "[::1]:9005", "--name", "fleet", "--transaction-id-base", "2000", "--boot-status", "Pending"])
        #expect(backend.listen == ListenArgument(host: "::1", port: 9005))
        #expect(backend.bootStatus == .pending && backend.transactionIdBase == 2000 && backend.name == "fleet")
        #expect(throws: (any Error).self) { try SimulateBackendCommand.parse(["--listen", "9001", "--name", "x"]) }
        #expect(throws: (any Error).self) { try SimulateBackendCommand.parse(["--listen", "127.0.0.1:9001", "--name", "x",
                                                                              "--boot-status", "Maybe"]) }
        #expect(throws: (any Error).self) { try SimulateBackendCommand.parse(["--name", "x"]) }
        let url = "ws://127.0.0.1:8180/ocpp"
        let chargePoint = try SimulateChargePointCommand.parse(["--url", url, "--id", "CP-9", "--story", "boot-only"])
        #expect(chargePoint.id == "CP-9" && chargePoint.story == "boot-only" && chargePoint.password == nil)
        #expect(try SimulateChargePointCommand.parse(["--url", url, "--id", "CP-1"]).story == "linking-world")
        #expect(throws: (any Error).self) { try SimulateChargePointCommand.parse(["--url", url, "--id", "CP-1", "--story", "nope"]) }
        #expect(throws: (any Error).self) { try SimulateChargePointCommand.parse(["--url", "http://127.0.0.1:8180/ocpp", "--id", "CP-1"]) }
        #expect(throws: (any Error).self) { try SimulateChargePointCommand.parse(["--url", url]) }
        let demo = try DemoCommand.parse(["--quiet", "--policy-dir", "x"])
        #expect(demo.quiet && demo.policyDir == "x")
    }

    @Test("a simulator event is one line: who, which way, frame type, action, id, short payload")
    func eventLines() {
        let call = SimulatorEvent.received(simulator: "billing", peer: "CP-1",
                                           frame: .call(id: "CP-1-5", action: "StartTransaction",
                                                        payload: ["connectorId": 1, "idTag": "FLEET-0042", "timestamp": "2026"]))
        #expect(SimulatorEventLine.line(for: call)
            == "billing ← CP-1         CALL       StartTransaction #CP-1-5 {connectorId 1, idTag FLEET-0042}")
        let error = SimulatorEvent.sent(simulator: "billing", peer: "CP-1",
                                        frame: .callError(id: "x", code: "NotImplemented", description: "no", details: [:]))
        #expect(SimulatorEventLine.line(for: error) == "billing → CP-1         CALLERROR  #x NotImplemented: no")
        #expect(PayloadSummary.short(["a": "0123456789"], limit: 8) == "{a 0123…")
    }
}
