import Foundation
import Gateway
import NIOConcurrencyHelpers
import OCPP

/// A charge point that runs transactions back to back, retrying each transaction message until it
/// is answered, as a station does with TransactionMessageAttempts: the same message, the same
/// timestamp, so the gateway can recognise a retried StartTransaction.
final class SoakChargePoint: Sendable {
    let id: String
    let index: Int
    let simulator: SimulatedChargePoint
    private let finished = NIOLockedValueBox<[SoakTransaction]>([])
    private let retries = NIOLockedValueBox(0)

    init(index: Int, simulator: SimulatedChargePoint) {
        self.index = index
        self.id = simulator.id
        self.simulator = simulator
    }

    var transactions: [SoakTransaction] { finished.withLockedValue { $0 } }
    var retryCount: Int { retries.withLockedValue { $0 } }

    /// Runs transactions until `deadline`, then returns after finishing the one under way.
    func run(until deadline: ContinuousClock.Instant) async {
        _ = await answered("BootNotification", ["chargePointModel": "Soak", "chargePointVendor": "chargemux"])
        var counter = 0
        let startOfRun = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
        while ContinuousClock.now < deadline {
            counter += 1
            let idTag = index.isMultiple(of: 3) ? "FLEET-\(index)" : "EMP-\(index)"
            let transaction = SoakTransaction(chargePoint: id, idTag: idTag, marker: index * 10_000_000 + counter * 1_000,
                                              meterValues: 2)
            _ = try? await simulator.call("Authorize", ["idTag": .string(idTag)], timeout: 10)
            // A station cannot start two transactions on one connector within a second, and the
            // gateway recognises a retried start by its timestamp: give each its own minute.
            let timestamp = RFC3339Time.string(startOfRun + Double(counter) * 60)
            guard let started = await answered("StartTransaction", [
                "connectorId": 1, "idTag": .string(idTag), "meterStart": .integer(transaction.marker), "timestamp": .string(timestamp),
            ]), let transactionId = started["transactionId"]?.intValue else { continue }
            for reading in 1...transaction.meterValues {
                _ = await answered("MeterValues", [
                    "connectorId": 1, "transactionId": .integer(transactionId),
                    "meterValue": [["timestamp": .string(RFC3339Time.string(Date().timeIntervalSince1970)),
                                    "sampledValue": [["value": .string(String(transaction.marker + reading))]]]],
                ])
            }
            _ = await answered("StopTransaction", [
                "meterStop": .integer(transaction.marker + 500), "timestamp": .string(RFC3339Time.string(Date().timeIntervalSince1970)),
                "transactionId": .integer(transactionId),
            ])
            finished.withLockedValue { $0.append(transaction) }
            try? await Task.sleep(for: .milliseconds(Int.random(in: 200...1_500)))
        }
    }

    /// Sends the call until it gets a CALLRESULT; `nil` only if the run is being torn down.
    private func answered(_ action: String, _ payload: JSONValue) async -> JSONValue? {
        for attempt in 0..<1_000 {
            if attempt > 0 {
                retries.withLockedValue { $0 += 1 }
                try? await Task.sleep(for: .milliseconds(500))
            }
            if case .callResult(_, let result)? = try? await simulator.call(action, payload, timeout: 12) { return result }
        }
        return nil
    }
}
