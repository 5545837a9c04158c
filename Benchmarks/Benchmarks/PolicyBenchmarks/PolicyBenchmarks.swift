import Benchmark

/// Decision evaluation, policy size, frame handling, redaction and lint, measured in wall time
/// and mallocs. Malloc counts are exact and repeatable, so they are the metric the committed
/// thresholds (`Benchmarks/Thresholds`) check; wall times are reported, never checked.
///
/// Names have no spaces or slashes: `thresholds update` writes such names with `_` while
/// `thresholds check` looks for them as written, so it would never find their thresholds
/// (ordo-one/benchmark issues 301 and 373).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )
    MallocCanary.register()
    DecisionBenchmarks.register()
    PolicySizeBenchmarks.register()
    FrameBenchmarks.register()
}
