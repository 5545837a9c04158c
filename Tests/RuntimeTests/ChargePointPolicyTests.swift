import OCPP
import PolicyLang
import Runtime
import Testing

@Suite("charge point view")
struct ChargePointPolicyTests {
    static let messages: [(String, JSONValue)] = [
        ("StartTransaction", ["connectorId": 1, "idTag": "C45-777", "meterStart": 0, "timestamp": "2026-01-01T00:00:00Z"]),
        ("StartTransaction", ["connectorId": 1, "idTag": "fl-3", "meterStart": 0, "timestamp": "2026-01-01T00:00:00Z"]),
        ("StatusNotification", ["connectorId": 1, "errorCode": "NoError", "status": "Charging"]),
        ("MeterValues", ["connectorId": 1, "meterValue": []]),
        ("DataTransfer", ["vendorId": "vendor-7"]),
        ("Heartbeat", [:]),
    ]

    @Test("a generated 1,000-rule policy compiles without errors")
    func syntheticCompiles() throws {
        let result = PolicyPipeline.compile(source: SourceFile(path: "synthetic.policy", text: SyntheticPolicy.generate(rules: 1000)))
        let errors = result.diagnostics.filter { $0.severity == .error }.prefix(5).map(DiagnosticRenderer.headline)
        #expect(errors.isEmpty, "\(errors)")
        #expect((result.resolved?.rules.count ?? 0) >= 950)
    }

    @Test("the view decides exactly as the whole policy", arguments: ["S7-CP1", "S300-CP2", "S0-X", "OTHER"])
    func viewAgrees(chargePoint: String) throws {
        let result = PolicyPipeline.compile(source: SourceFile(path: "synthetic.policy", text: SyntheticPolicy.generate(rules: 1000)))
        let policy = try #require(result.compiled)
        let view = ChargePointPolicy(policy: policy, chargePoint: chargePoint)
        for (action, payload) in Self.messages {
            let whole = policy.route(action: action, payload: payload, context: MessageContext(chargePoint: chargePoint, now: 0),
                                     trace: true)
            let viewed = view.route(action: action, payload: payload, now: 0, trace: true)
            #expect(whole.targets == viewed.targets && whole.responder == viewed.responder && whole.outcome == viewed.outcome
                    && whole.matchedRules == viewed.matchedRules && whole.owner == viewed.owner, "\(action)")
        }
        for backend in 0..<policy.backends.count {
            for (action, payload) in [("RemoteStartTransaction", ["connectorId": 0, "idTag": "C3-1"] as JSONValue),
                                      ("RemoteStopTransaction", ["transactionId": 3])] {
                let whole = policy.authorize(backend: backend, action: action, payload: payload,
                                             context: MessageContext(chargePoint: chargePoint, now: 0), trace: true)
                #expect(whole == view.authorize(backend: backend, action: action, payload: payload, now: 0, trace: true))
            }
        }
    }
}

@Suite("reachable backends")
struct ReachableBackendsTests {
    @Test("a charge point connects to the backends its rules can reach, and no others")
    func reachable() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            backends billing, fleet, depot, ems, audit
            owner fleet when idTag matches "FLEET-*"
            owner billing otherwise
            route Authorize to owner
            route StatusNotification to depot when chargePoint matches "DEPOT-*"
            allow ems SetChargingProfile when chargePoint matches "CP-*"
            deny audit Reset
            """)
        func names(_ chargePoint: String) -> Set<String> {
            Set(ChargePointPolicy(policy: harness.policy, chargePoint: chargePoint).reachableBackends.map { harness.policy.backends[$0] })
        }
        #expect(names("CP-1") == ["fleet", "billing", "ems"])
        #expect(names("DEPOT-1") == ["fleet", "billing", "depot"])
    }
}
