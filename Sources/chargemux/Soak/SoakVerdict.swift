import Gateway
import OCPP

/// What a soak found: per backend, whether it got every transaction message meant for it, in
/// order, and how often a message arrived more than once.
struct SoakVerdict: Sendable {
    struct BackendResult: Sendable {
        var expected = 0
        var missing = 0
        var outOfOrder = 0
        /// Messages that arrived again with the same gateway message id (at-least-once redelivery).
        var redeliveredSameId = 0
        /// Messages that arrived again under another id (the charge point's own retry of the same message).
        var repeatedContent = 0
        /// A few of the missing messages, as `chargePoint/action:marker`, for the report.
        var missingSamples: [String] = []
    }

    let transactions: Int
    let outages: Int
    let retries: Int
    private(set) var backends: [String: BackendResult] = [:]

    init(transactions: [SoakTransaction], received: [String: [SimulatedCentralSystem.Received]], outages: Int, retries: Int) {
        self.transactions = transactions.count
        self.outages = outages
        self.retries = retries
        for (backend, messages) in received {
            var result = BackendResult()
            // Per charge point: the transaction messages in arrival order, by marker and by id.
            var arrivals: [String: [String]] = [:]
            var seenIds: Set<String> = []
            var seenKeys: Set<String> = []
            for message in messages {
                guard let key = SoakTransaction.key(of: message.frame) else { continue }
                // Message ids are unique per connection, that is per charge point.
                if !seenIds.insert(message.chargePoint + "/" + message.frame.messageId).inserted {
                    result.redeliveredSameId += 1
                    continue
                }
                let scoped = message.chargePoint + "/" + key
                if !seenKeys.insert(scoped).inserted {
                    result.repeatedContent += 1
                    continue
                }
                arrivals[message.chargePoint, default: []].append(key)
            }
            for transaction in transactions where transaction.owner == backend || backend == "ems" {
                let got = arrivals[transaction.chargePoint] ?? []
                result.expected += transaction.expected.count
                var lastPosition = -1
                for key in transaction.expected {
                    guard let position = got.firstIndex(of: key) else {
                        result.missing += 1
                        if result.missingSamples.count < 5 { result.missingSamples.append(transaction.chargePoint + "/" + key) }
                        continue
                    }
                    if position < lastPosition { result.outOfOrder += 1 }
                    lastPosition = position
                }
            }
            backends[backend] = result
        }
    }

    /// Every backend got every message meant for it, in order.
    var passed: Bool { backends.values.allSatisfy { $0.missing == 0 && $0.outOfOrder == 0 } }

    var report: String {
        var lines = ["transactions: \(transactions), backend outages: \(outages), charge-point retries: \(retries)",
                     "backend   expected  missing  out-of-order  redelivered(same id)  repeated(charge point retry)"]
        for name in backends.keys.sorted() {
            let result = backends[name]!
            lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(result.expected).leftPadded(8) + String(result.missing).leftPadded(9)
                + String(result.outOfOrder).leftPadded(14) + String(result.redeliveredSameId).leftPadded(22)
                + String(result.repeatedContent).leftPadded(30))
        }
        for name in backends.keys.sorted() where !(backends[name]?.missingSamples.isEmpty ?? true) {
            lines.append("\(name) is missing, for example: " + (backends[name]?.missingSamples.joined(separator: ", ") ?? ""))
        }
        lines.append(passed ? "soak passed: every transaction message reached every backend meant for it, in order"
                            : "soak FAILED")
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
