import Foundation
import Gateway
import OCPP
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Store: nothing acknowledged is lost in a crash")
struct CrashSafetyTests {
    @Test("the files as a crash leaves them (database and WAL, never checkpointed) hold every acknowledged append")
    func crashImage() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        var acknowledged: [Int64] = []
        for index in 0..<200 { acknowledged.append(try await store.append(meterDraft(index)).sequence) }
        let record = try await store.recordStart(start(chargePointTransactionId: 3)).record
        // While the store is open (no checkpoint on close has run), copy what is on disk: that is
        // what a kill -9 or a power cut after the last commit leaves.
        let image = StoreFixture()
        let manager = FileManager.default
        #expect(fixture.size(of: "store.db-wal") > 0, "the commits are in the WAL, not yet in the database file")
        for suffix in ["", "-wal"] {
            try manager.copyItem(atPath: fixture.path + suffix, toPath: image.path + suffix)
        }
        let reopened = try image.open()
        let queued = try await reopened.peek(QueueKey(chargePoint: "CP-1", backend: "billing"), limit: 1000)
        #expect(queued.map(\.sequence) == acknowledged)
        #expect(try await reopened.transaction(record: record.id) == record)
        try await reopened.close()
        try await store.close()
    }

    @Test("kill -9 of a process appending: every sequence number it printed as acknowledged is in the store",
          arguments: ["full", "normal"])
    func killedProcess(synchronous: String) async throws {
        let binary = try #require(chargemuxExecutable, "build the executable first: `swift build`")
        let fixture = StoreFixture()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["store-selftest", "--path", fixture.path, "--count", "100000", "--synchronous", synchronous]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read until enough commits were acknowledged, then kill it mid-stream.
        var text = ""
        let reader = output.fileHandleForReading
        while text.split(separator: "\n").count < 300 {
            let data = reader.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        // Whatever it printed before dying counts too.
        text += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        var printed = text.split(separator: "\n", omittingEmptySubsequences: true)
        // A line cut off by the kill is not an acknowledgement.
        if !text.hasSuffix("\n"), !printed.isEmpty { printed.removeLast() }
        let acknowledged = Set(printed.compactMap { Int64($0) })
        #expect(acknowledged.count >= 300)

        let store = try fixture.open()
        var stored = Set<Int64>()
        for backend in ["backend-0", "backend-1", "backend-2"] {
            for entry in try await store.peek(QueueKey(chargePoint: "CP-SELFTEST", backend: backend), limit: 1_000_000) {
                stored.insert(entry.sequence)
            }
        }
        let missing = acknowledged.subtracting(stored)
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.sorted().prefix(10))")
        // The store goes on from there.
        #expect(try await store.append(meterDraft(0)).sequence > stored.max() ?? 0)
        try await store.close()
    }
}
