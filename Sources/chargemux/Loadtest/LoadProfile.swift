/// What the load test's charge points send.
enum LoadProfile: String, Sendable, CaseIterable {
    /// A busy site: boot, then over and over a heartbeat, a charging session with ten
    /// MeterValues, status changes and a DataTransfer, paced by `--rate` and `--window`.
    case mix
    /// An idle site: boot, then every `--interval` one Heartbeat and, half an interval later, one
    /// MeterValues (outside any transaction), each charge point at its own random phase. `--rate`
    /// and `--window` pace only the boots.
    case idle
}
