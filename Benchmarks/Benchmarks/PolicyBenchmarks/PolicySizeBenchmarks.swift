import Benchmark
import OCPP
import PolicyLang
import Runtime

/// Policy size: the cost of one decision as rules that do not apply to the message are added
/// (target: flat within 2x from 10 to 10,000), and lint of a 10,000-rule policy (target: < 1 s).
enum PolicySizeBenchmarks {
    static func register() {
        let (action, payload) = Fixtures.frame(Fixtures.startTransactionText)
        for size in [10, 100, 1_000, 10_000] {
            let policy = Fixtures.compile(SourceFile(path: "bystanders-\(size).policy", text: BystanderPolicy.generate(rules: size)))
            let view = ChargePointPolicy(policy: policy, chargePoint: "CP-1")
            Benchmark("decide.bystanders-\(size).StartTransaction", configuration: DecisionBenchmarks.configuration) {
                benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(view.route(action: action, payload: payload, now: DecisionBenchmarks.now))
                }
            }
        }

        let bigPolicy = SourceFile(path: "synthetic-10000.policy", text: SyntheticPolicy.generate(rules: 10_000))
        // Lint's malloc count varies by one or two between runs (hash-order dependent); 100 of
        // slack still catches an allocation per rule (10,000).
        let lintThresholds: [BenchmarkMetric: BenchmarkThresholds] = [.mallocCountTotal: .init(absolute: [.p90: 100])]
        Benchmark("lint.10000-rule", configuration: .init(timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 10,
                                                          thresholds: lintThresholds)) {
            benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(PolicyPipeline.compile(source: bigPolicy))
            }
        }
    }
}
