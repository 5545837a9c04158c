import Foundation
import Gateway
import NIOConcurrencyHelpers
import OCPP

/// What one simulated backend of the load test got, per charge point: the markers of the calls
/// (`LoadMarker`), the Heartbeats, the transaction ids it assigned and the messages that named a
/// transaction id it never assigned to that charge point.
final class BackendTally: Sendable {
    struct ChargePointRecord: Sendable {
        var markers = Set<Int>()
        var heartbeats = 0
        var calls = 0
        var assignedTransactions = Set<Int>()
        var wrongTransactionIds = 0
    }

    let port: Int
    private let records = NIOLockedValueBox<[String: ChargePointRecord]>([:])

    init(port: Int) { self.port = port }

    /// The central system's observer: on the connection's event loop.
    func observe(chargePoint: String, action name: String, payload: JSONValue, answer: JSONValue?) {
        let action = LoadAction(name: name)
        let marker = action.flatMap { LoadMarker.marker(action: $0, payload: payload) }
        let assigned = action == .startTransaction ? answer?["transactionId"]?.intValue : nil
        let named = action?.needsTransaction == true ? payload["transactionId"]?.intValue : nil
        records.withLockedValue { records in
            records[chargePoint, default: ChargePointRecord()].calls += 1
            if action == .heartbeat { records[chargePoint]!.heartbeats += 1 }
            if let marker { records[chargePoint]!.markers.insert(marker) }
            if let assigned { records[chargePoint]!.assignedTransactions.insert(assigned) }
            if let named, !records[chargePoint]!.assignedTransactions.contains(named) {
                records[chargePoint]!.wrongTransactionIds += 1
            }
        }
    }

    var snapshot: [String: ChargePointRecord] { records.withLockedValue { $0 } }

    /// Calls received in all.
    var totalCalls: Int { records.withLockedValue { $0.values.reduce(0) { $0 + $1.calls } } }
}
