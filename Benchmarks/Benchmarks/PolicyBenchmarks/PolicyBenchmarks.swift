import Benchmark
import OCPP
import PolicyLang
import Runtime

/// Decision evaluation, frame handling, redaction and lint, measured in wall time and mallocs.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )
    let now = 1_795_000_000.0

    // Decisions as the gateway makes them: through the charge point's view, parsed frame in hand.
    func decision(_ name: String, _ policy: CompiledPolicy, chargePoint: String, frame: String, owner: String? = nil) {
        let view = ChargePointPolicy(policy: policy, chargePoint: chargePoint)
        let (action, payload) = Fixtures.frame(frame)
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(view.route(action: action, payload: payload, transactionOwner: owner, now: now))
            }
        }
    }
    decision("decide linking-world StartTransaction", Fixtures.linkingWorld, chargePoint: "CP-1", frame: Fixtures.startTransactionText)
    decision("decide linking-world MeterValues (transaction owner known)", Fixtures.linkingWorld, chargePoint: "CP-1",
             frame: Fixtures.meterValuesText, owner: "billing")
    decision("decide linking-world StatusNotification", Fixtures.linkingWorld, chargePoint: "CP-1", frame: Fixtures.statusText)
    decision("decide linking-world Heartbeat", Fixtures.linkingWorld, chargePoint: "CP-1", frame: Fixtures.heartbeatText)
    decision("decide 1000-rule StartTransaction", Fixtures.synthetic1000, chargePoint: "S145-CP2", frame: Fixtures.syntheticStartText)
    decision("decide 1000-rule StatusNotification", Fixtures.synthetic1000, chargePoint: "S145-CP2", frame: Fixtures.statusText)
    decision("decide 1000-rule MeterValues", Fixtures.synthetic1000, chargePoint: "S145-CP2", frame: Fixtures.meterValuesText,
             owner: "b3")
    decision("decide 1000-rule DataTransfer", Fixtures.synthetic1000, chargePoint: "S7-CP1", frame: Fixtures.syntheticDataTransferText)

    // Setup stays outside the closures: package-benchmark runs a closure once per sample.
    let linkingWorldView = ChargePointPolicy(policy: Fixtures.linkingWorld, chargePoint: "CP-1")
    let remoteStop = Fixtures.frame(Fixtures.remoteStopText)
    let ems = Fixtures.linkingWorld.backendIndex("ems") ?? 0
    Benchmark("authorize linking-world RemoteStopTransaction (ems, denied)") { benchmark in
        let view = linkingWorldView
        let (action, payload) = remoteStop
        for _ in benchmark.scaledIterations {
            blackHole(view.authorize(backend: ems, action: action, payload: payload, transactionOwner: "billing", now: now))
        }
    }
    let status = Fixtures.frame(Fixtures.statusText)
    let syntheticPolicy = Fixtures.synthetic1000
    Benchmark("decide 1000-rule without a charge-point view (patterns matched per message)") { benchmark in
        let (action, payload) = status
        let context = MessageContext(chargePoint: "S145-CP2", now: now)
        for _ in benchmark.scaledIterations {
            blackHole(syntheticPolicy.route(action: action, payload: payload, context: context))
        }
    }

    Benchmark("frame parse and re-serialise MeterValues") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? OCPPFrame(parsing: Fixtures.meterValuesText).serialized)
        }
    }
    let redactor = Redactor(hashKey: Array("benchmark-hash-key-0123".utf8))
    let start = Fixtures.frame(Fixtures.startTransactionText)
    let hashIdTag = [FieldRedaction(path: ["idTag"], mode: .hash(maxLength: 20), caseInsensitive: true, rule: 0)]
    Benchmark("redact idTag with hash (HMAC-SHA256)") { benchmark in
        let payload = start.payload
        let redactions = hashIdTag
        for _ in benchmark.scaledIterations {
            blackHole(redactor.apply(redactions, to: payload, owner: nil))
        }
    }
    let bigPolicy = SourceFile(path: "synthetic-10000.policy", text: Fixtures.synthetic10000Text)
    Benchmark("lint 10000-rule policy", configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(10),
                                                                maxIterations: 10)) { benchmark in
        let source = bigPolicy
        for _ in benchmark.scaledIterations {
            blackHole(PolicyPipeline.compile(source: source))
        }
    }
}
