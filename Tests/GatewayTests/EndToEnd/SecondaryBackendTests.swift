import Foundation
import Gateway
import OCPP
import Testing

/// Bullet 9: a secondary backend being down, stopped or silent never delays or fails the
/// answer to the charge point.
@Suite("end to end: secondary backends", .timeLimit(.minutes(1)))
struct SecondaryBackendTests {
    /// The answers must come well under this (and under the 3 s a charge point's first messages
    /// may wait for the backend connections).
    static let callTimeout = 10
    static let promptly: Duration = .seconds(2)

    @Test("a secondary stopped after the boot: the responder's answer comes at once")
    func stoppedSecondary() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, callTimeout: Self.callTimeout)
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        await harness.stopBackend("ems")
        let began = ContinuousClock.now
        let status = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        let elapsed = ContinuousClock.now - began
        #expect(status.resultPayload == .object(JSONObject()), "\(status)")
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        #expect(elapsed < Self.promptly, "\(elapsed)")
        #expect(!harness.actions("ems").contains("StatusNotification"))
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a silent secondary (accepts, never answers): the responder's answer comes at once, the boot too")
    func silentSecondary() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, callTimeout: Self.callTimeout,
                                options: ["ems": .init(silent: true)])
        let chargePoint = try await harness.chargePoint()
        let began = ContinuousClock.now
        let boot = try await chargePoint.call("BootNotification", GatewayHarness.bootPayload)
        let status = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        let elapsed = ContinuousClock.now - began
        #expect(boot.resultPayload?["status"] == "Accepted", "\(boot)")
        #expect(status.resultPayload == .object(JSONObject()), "\(status)")
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        #expect(elapsed < Self.promptly, "\(elapsed)")
        #expect(harness.actions("ems") == ["BootNotification"])  // the rest waits for its boot answer
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a secondary down from the start: the charge point's first calls are answered well under the call timeout")
    func downFromTheStart() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, callTimeout: Self.callTimeout,
                                options: ["ems": .init(startLater: true)])
        let chargePoint = try await harness.chargePoint()
        let began = ContinuousClock.now
        let boot = try await chargePoint.call("BootNotification", GatewayHarness.bootPayload)
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("USER-1"))
        let elapsed = ContinuousClock.now - began
        #expect(boot.resultPayload?["status"] == "Accepted", "\(boot)")
        #expect(start.resultPayload?["transactionId"] == 1000, "\(start)")
        #expect(elapsed < Self.promptly, "\(elapsed)")
        await chargePoint.stop()
        await harness.stop()
    }

    @Test("a secondary that accepts TCP and never answers the upgrade: the boot waits at most the 3 s grace, later calls not at all")
    func blackHoleSecondary() async throws {
        let harness = GatewayHarness()
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends, options: ["ems": .init(blackHole: true)])
        let chargePoint = try await harness.chargePoint()
        let bootBegan = ContinuousClock.now
        let boot = try await chargePoint.call("BootNotification", GatewayHarness.bootPayload)
        let bootTook = ContinuousClock.now - bootBegan
        #expect(boot.resultPayload?["status"] == "Accepted", "\(boot)")
        #expect(bootTook < .seconds(5), "\(bootTook)")  // the call timeout is 30 s
        let began = ContinuousClock.now
        let status = try await chargePoint.call("StatusNotification", E2EPolicy.status)
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start("FLEET-7"))
        let elapsed = ContinuousClock.now - began
        #expect(status.resultPayload == .object(JSONObject()), "\(status)")
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        #expect(elapsed < Self.promptly, "\(elapsed)")
        #expect(chargePoint.isConnected)
        await chargePoint.stop()
        await harness.stop()
    }
}
