import Benchmark

/// Proof that malloc counting is live: this benchmark allocates exactly one object per iteration,
/// so its malloc count must read 1,000 per sample of 1,000. A 0 here means the interposer is not
/// preloaded and every other malloc count is meaningless.
enum MallocCanary {
    /// A heap object that escapes into `blackHole`, so it cannot be stack-promoted.
    final class Box {
        var value: Int
        init(_ value: Int) { self.value = value }
    }

    static func register() {
        Benchmark("malloc-canary.one-object-per-iteration", configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(1))) {
            benchmark in
            for index in benchmark.scaledIterations {
                blackHole(Box(index))
            }
        }
    }
}
