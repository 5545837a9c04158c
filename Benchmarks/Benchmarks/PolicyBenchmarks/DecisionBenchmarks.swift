import Benchmark
import OCPP
import PolicyLang
import Runtime

/// Decisions as the gateway makes them: through the charge point's view, parsed frame in hand.
///
/// Each sample runs 1,000 decisions (`scalingFactor: .kilo`), so the clock is read once per
/// 1,000 messages; `swift package benchmark --scale` prints the time per message.
enum DecisionBenchmarks {
    static let now = 1_795_000_000.0
    /// A new value per use: `Benchmark.Configuration` is not `Sendable`, so it cannot be a stored static.
    static var configuration: Benchmark.Configuration { .init(scalingFactor: .kilo, maxDuration: .seconds(1)) }

    static func decision(_ name: String, _ policy: CompiledPolicy, chargePoint: String, frame: String, owner: String? = nil) {
        let view = ChargePointPolicy(policy: policy, chargePoint: chargePoint)
        let (action, payload) = Fixtures.frame(frame)
        Benchmark(name, configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(view.route(action: action, payload: payload, transactionOwner: owner, now: now))
            }
        }
    }

    static func permission(_ name: String, _ policy: CompiledPolicy, chargePoint: String, backend: String, frame: String,
                           owner: String? = nil) {
        let view = ChargePointPolicy(policy: policy, chargePoint: chargePoint)
        let (action, payload) = Fixtures.frame(frame)
        let index = policy.backendIndex(backend) ?? 0
        Benchmark(name, configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(view.authorize(backend: index, action: action, payload: payload, transactionOwner: owner, now: now))
            }
        }
    }

    static func register() {
        // A four-line policy: every charge-point call to both backends.
        let small = Fixtures.small
        decision("decide.small.StartTransaction", small, chargePoint: "LT0001", frame: Fixtures.startTransactionText)
        decision("decide.small.StatusNotification", small, chargePoint: "LT0001", frame: Fixtures.statusText)

        // The example site, one realistic frame of each charge-point action it routes.
        let world = Fixtures.linkingWorld
        decision("decide.linking-world.BootNotification", world, chargePoint: "CP-1", frame: Fixtures.bootText)
        decision("decide.linking-world.Heartbeat", world, chargePoint: "CP-1", frame: Fixtures.heartbeatText)
        decision("decide.linking-world.StatusNotification", world, chargePoint: "CP-1", frame: Fixtures.statusText)
        decision("decide.linking-world.Authorize", world, chargePoint: "CP-1", frame: Fixtures.authorizeText)
        decision("decide.linking-world.StartTransaction", world, chargePoint: "CP-1", frame: Fixtures.startTransactionText)
        decision("decide.linking-world.MeterValues.owner-known", world, chargePoint: "CP-1",
                 frame: Fixtures.meterValuesText, owner: "billing")
        decision("decide.linking-world.StopTransaction.owner-known", world, chargePoint: "CP-1",
                 frame: Fixtures.stopTransactionText, owner: "billing")
        decision("decide.linking-world.DataTransfer", world, chargePoint: "CP-1", frame: Fixtures.dataTransferText)
        permission("authorize.linking-world.RemoteStopTransaction.ems-denied", world, chargePoint: "CP-1", backend: "ems",
                   frame: Fixtures.remoteStopText, owner: "billing")
        permission("authorize.linking-world.SetChargingProfile.ems-allowed", world, chargePoint: "CP-1", backend: "ems",
                   frame: Fixtures.setChargingProfileText)

        // The generated 1,000-rule policy (`SyntheticPolicy`), for a charge point many rules name.
        let synthetic = Fixtures.synthetic1000
        decision("decide.1000-rule.StartTransaction", synthetic, chargePoint: "S145-CP2", frame: Fixtures.syntheticStartText)
        decision("decide.1000-rule.StatusNotification", synthetic, chargePoint: "S145-CP2", frame: Fixtures.statusText)
        decision("decide.1000-rule.MeterValues", synthetic, chargePoint: "S145-CP2", frame: Fixtures.meterValuesText,
                 owner: "b3")
        decision("decide.1000-rule.DataTransfer", synthetic, chargePoint: "S7-CP1", frame: Fixtures.syntheticDataTransferText)

        // Without a view the charge-point patterns are matched per message (the gateway does not
        // do this; it shows what the view saves).
        let (action, payload) = Fixtures.frame(Fixtures.statusText)
        Benchmark("decide.1000-rule.StatusNotification.without-view", configuration: configuration) {
            benchmark in
            let context = MessageContext(chargePoint: "S145-CP2", now: now)
            for _ in benchmark.scaledIterations {
                blackHole(synthetic.route(action: action, payload: payload, context: context))
            }
        }
    }
}
