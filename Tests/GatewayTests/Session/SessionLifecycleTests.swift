import Gateway
import OCPP
import PolicyLang
import Runtime
import Testing

@Suite("session: lifecycle")
struct SessionLifecycleTests {
    static let policy = """
        policy "t" for ocpp 1.6
        backends alpha, beta
        route Authorize to alpha
        """

    func compile(_ text: String) throws -> CompiledPolicy {
        try #require(PolicyPipeline.compile(source: SourceFile(path: "next.policy", text: text)).compiled)
    }

    @Test("a reloaded policy decides the next message; one with other backends is refused")
    func replacePolicy() throws {
        let h = try SessionHarness(Self.policy)
        #expect(h.cp(.call(id: "a1", action: "Authorize", payload: ["idTag": "T"])).backendsReached == ["alpha"])

        let other = try compile("policy \"t\" for ocpp 1.6\nbackends alpha, gamma\nroute Authorize to gamma\n")
        #expect(!h.session.replacePolicy(ChargePointPolicy(policy: other, chargePoint: "CP-1")))
        let betaPolicy = try compile("policy \"t\" for ocpp 1.6\nbackends alpha, beta\nroute Authorize to beta\n")
        #expect(!h.session.replacePolicy(ChargePointPolicy(policy: betaPolicy, chargePoint: "CP-2")))
        #expect(h.cp(.call(id: "a2", action: "Authorize", payload: ["idTag": "T"])).backendsReached == ["alpha"])

        #expect(h.session.replacePolicy(ChargePointPolicy(policy: betaPolicy, chargePoint: "CP-1")))
        let after = h.cp(.call(id: "a3", action: "Authorize", payload: ["idTag": "T"]))
        #expect(after.backendsReached == ["beta"])
        #expect(after.records.first?.policyHash == betaPolicy.sourceHash)
        // the call routed before the reload still gets its answer
        let answer = h.backend("alpha", .callResult(id: "cmx-2", payload: ["idTagInfo": ["status": "Accepted"]]))
        #expect(answer.toChargePoint == [.callResult(id: "a2", payload: ["idTagInfo": ["status": "Accepted"]])])
    }

    @Test("a reload that makes a connected backend a boot target replays the boot to it at once")
    func reloadReplaysBoot() throws {
        let text = "policy \"t\" for ocpp 1.6\nbackends alpha, beta\nroute BootNotification to alpha\nallow beta GetConfiguration\n"
        let h = try SessionHarness(text)
        h.cp(.call(id: "b1", action: "BootNotification", payload: Payloads.boot))
        let both = try compile(text.replacingOccurrences(of: "to alpha", with: "to alpha, beta"))
        let effects = try #require(h.session.reloadPolicy(ChargePointPolicy(policy: both, chargePoint: "CP-1")))
        let replay = Effects(all: effects, backends: h.policy.backends)
        #expect(replay.to("beta").compactMap { if case .call(_, let action, _) = $0 { action } else { nil } } == ["BootNotification"])
        #expect(replay.to("alpha").isEmpty)
        // A reload that changes nothing about the boot replays nothing.
        #expect(h.session.reloadPolicy(ChargePointPolicy(policy: both, chargePoint: "CP-1"))?.isEmpty == true)
    }

    @Test("a backend's long error description is cut to 255 characters for the charge point")
    func longErrorCut() throws {
        let h = try SessionHarness(Self.policy)
        h.cp(.call(id: "a1", action: "Authorize", payload: ["idTag": "T"]))
        let long = String(repeating: "x", count: 400)
        let answer = h.backend("alpha", .callError(id: "cmx-1", code: "InternalError", description: long, details: [:]))
        guard case .callError("a1", "InternalError", let description, _)? = answer.toChargePoint.first else {
            Issue.record("no error: \(answer.all)")
            return
        }
        #expect(description.count == 255)
    }

    @Test("input naming a backend the policy does not have is ignored")
    func unknownBackend() throws {
        let h = try SessionHarness(Self.policy)
        let effects = h.run(.backendText(backend: 9, "[3,\"cmx-1\",{}]"))
        #expect(effects.ignored.count == 1)
        #expect(effects.toChargePoint.isEmpty)
        #expect(h.run(.backendConnected(9)).all.isEmpty)
    }

    @Test("settings from the gateway config carry the heartbeat interval and call timeout")
    func settingsFromConfig() throws {
        let config = GatewayConfig(listeners: [], policyPath: "/p", store: .sqlite(path: "/tmp/x.db"),
                                   gatewayAnswers: .init(heartbeatInterval: 45), callTimeout: .milliseconds(12_500),
                                   chargePoints: [], backends: [])
        let settings = SessionSettings(config: config)
        #expect(settings.heartbeatInterval == 45)
        #expect(settings.callTimeout == 12.5)
    }
}
