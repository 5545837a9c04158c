import Benchmark
import OCPP
import Runtime

/// What the gateway does to a frame besides deciding: parse, rewrite for a leg, serialise, redact.
enum FrameBenchmarks {
    static func register() {
        Benchmark("frame.parse-serialise.MeterValues") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? OCPPFrame(parsing: Fixtures.meterValuesText).serialized)
            }
        }

        // One copy for a backend, as the session sends it: the leg's own message id (`cmx-<n>`, as
        // `MessageIdGenerator` makes them) and the backend's own transaction id (as
        // `translateTransactionId(ofChargePointCall:)` sets it).
        Benchmark("frame.parse-rewrite-ids-serialise.MeterValues") { benchmark in
            var counter = 0
            for _ in benchmark.scaledIterations {
                counter += 1
                guard case .call(_, let action, .object(var object))? = try? OCPPFrame(parsing: Fixtures.meterValuesText) else {
                    fatalError("bad fixture")
                }
                object["transactionId"] = .integer(3000 + counter % 16)
                blackHole(OCPPFrame.call(id: "cmx-" + String(counter), action: action, payload: .object(object)).serialized)
            }
        }

        let redactor = Redactor(hashKey: Array("benchmark-hash-key-0123".utf8))
        let start = Fixtures.frame(Fixtures.startTransactionText)
        let hashIdTag = [FieldRedaction(path: ["idTag"], mode: .hash(maxLength: 20), caseInsensitive: true, rule: 0)]
        Benchmark("redact.hash-HMAC-SHA256.idTag") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(redactor.apply(hashIdTag, to: start.payload, owner: nil))
            }
        }
    }
}
