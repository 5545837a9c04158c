import ArgumentParser
import Foundation
import Gateway
import OCPP

/// `chargemux store-selftest --path X --count N` (hidden): appends N queue entries, one commit
/// each (or `--batch K` per commit), and prints each acknowledged sequence number on its own line
/// the moment its commit returns. The crash test kills it with SIGKILL mid-stream and checks that
/// every printed number is in the store. `--list` prints what the store holds.
struct StoreSelftestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-selftest",
        abstract: "Append queue entries to a store, printing each acknowledged sequence number (for crash tests).",
        shouldDisplay: false)

    @Option(name: .long, help: ArgumentHelp("The SQLite file.", valueName: "PATH"))
    var path: String

    @Option(name: .long, help: "How many entries to append.")
    var count: Int = 1000

    @Option(name: .long, help: "Entries per commit.")
    var batch: Int = 1

    @Flag(name: .long, help: "Append nothing; print the sequence numbers the store holds, one a line.")
    var list = false

    @Option(name: .long, help: "synchronous: full or normal.")
    var synchronous: String = "full"

    func validate() throws {
        guard count >= 0, batch >= 1 else { throw ValidationError("`--count` must be 0 or more and `--batch` 1 or more") }
        guard ["full", "normal"].contains(synchronous) else { throw ValidationError("`--synchronous` is full or normal") }
    }

    func run() async throws {
        do {
            let store = try SQLiteGatewayStore(path: path, options: .init(synchronous: synchronous == "full" ? .full : .normal))
            if list {
                var text = ""
                for backend in ["backend-0", "backend-1", "backend-2"] {
                    for entry in try await store.peek(QueueKey(chargePoint: "CP-SELFTEST", backend: backend), limit: Int.max) {
                        text += "\(entry.sequence)\n"
                    }
                }
                FileHandle.standardOutput.write(Data(text.utf8))
                try await store.close()
                return
            }
            var next = 0
            while next < count {
                let drafts = (next..<min(next + batch, count)).map { index in
                    OutboundDraft(queue: QueueKey(chargePoint: "CP-SELFTEST", backend: "backend-\(index % 3)"),
                                  action: "MeterValues", payload: ["connectorId": 1, "index": .integer(index)], enqueuedAt: Date())
                }
                next += drafts.count
                let outcomes = try await store.appendBatch(drafts)
                // Unbuffered: a number is printed only after its commit returned.
                FileHandle.standardOutput.write(Data(outcomes.map { "\($0.sequence)\n" }.joined().utf8))
            }
            try await store.close()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(ToolOutput.Status.findings.rawValue)
        }
    }
}
