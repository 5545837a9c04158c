import Foundation
import GRDB
import Gateway
import OCPP
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Store: failures surface as typed errors")
struct StoreFailureTests {
    @Test("a path under a file is unwritable, and new transactions are refused")
    func pathUnderAFile() async throws {
        let fixture = StoreFixture()
        fixture.directory.write("not-a-folder", "x")
        let error = await expectStoreError(.unwritable) {
            try SQLiteGatewayStore(path: fixture.directory.path + "/not-a-folder/store.db")
        }
        #expect(error?.refusesNewTransactions == true)
        #expect(error?.description.hasPrefix("store error [unwritable]: cannot open the store at") == true)
    }

    @Test("a read-only folder makes the store unwritable (skipped as root, who may write anyway)",
          .enabled(if: geteuid() != 0))
    func readOnlyFolder() async throws {
        let fixture = StoreFixture()
        chmod(fixture.directory.path, 0o500)
        defer { chmod(fixture.directory.path, 0o700) }
        await expectStoreError(.unwritable) { try fixture.open() }
    }

    @Test("a read-only store file: writes fail as unwritable, reads still work (skipped as root)", .enabled(if: geteuid() != 0))
    func readOnlyFile() async throws {
        let fixture = StoreFixture()
        var store = try fixture.open()
        _ = try await store.recordStart(start())
        try await store.close()
        chmod(fixture.path, 0o400)
        defer { chmod(fixture.path, 0o600) }
        await expectStoreError(.unwritable) {
            store = try fixture.open()
            return try await store.append(meterDraft(0))
        }
    }

    @Test("a file that is not a store is corrupt")
    func notADatabase() async throws {
        let fixture = StoreFixture()
        fixture.directory.write("store.db", String(repeating: "this is not sqlite\n", count: 400))
        let error = await expectStoreError(.corrupt) { try fixture.open() }
        #expect(error?.refusesNewTransactions == true)
    }

    @Test("a missing store is not created when not allowed")
    func notFound() async throws {
        let fixture = StoreFixture()
        await expectStoreError(.notFound) { try fixture.open(.init(createIfMissing: false)) }
        #expect(!FileManager.default.fileExists(atPath: fixture.path))
    }

    @Test("full storage (a size limit): appends and starts fail with storage-full and write nothing; acknowledging frees room")
    func storageFull() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open(.init(maximumSize: 96 * 1024))
        let queue = QueueKey(chargePoint: "CP-1", backend: "billing")
        let big = String(repeating: "m", count: 1500)
        var appended: [Int64] = []
        var failure: StoreError?
        for index in 0..<1000 {
            do {
                appended.append(try await store.append(OutboundDraft(queue: queue, action: "MeterValues",
                                                                     payload: ["data": .string(big), "i": .integer(index)],
                                                                     enqueuedAt: storeTime())).sequence)
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure)
        #expect(error.code == .storageFull && error.refusesNewTransactions, "\(error)")
        #expect(error.underlying?.contains("full") == true, "\(error)")
        #expect(!appended.isEmpty)
        // Every acknowledged append is there; the failed one is not.
        #expect(try await store.peek(queue, limit: 10_000).map(\.sequence) == appended)
        // A transaction start that carries a queue entry fails whole, too.
        let draft = OutboundDraft(queue: queue, action: "StartTransaction", payload: ["data": .string(big + big)], enqueuedAt: storeTime())
        await expectStoreError(.storageFull) { try await store.recordStart(start(), enqueue: [draft]) }
        #expect(try await store.transactions(TransactionQuery()).isEmpty)
        // Delivering frees pages for reuse.
        for sequence in appended.prefix(10) { try await store.acknowledge(queue, sequence: sequence) }
        _ = try await store.append(OutboundDraft(queue: queue, action: "MeterValues", payload: ["data": .string(big)], enqueuedAt: storeTime()))
    }

    @Test("a store written by a newer schema is refused")
    func newerSchema() async throws {
        let fixture = StoreFixture()
        var store = try fixture.open()
        try await store.close()
        // A migration this build does not know, as a newer chargemux would leave it.
        try sqlite(fixture.path, "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        let error = await expectStoreError(.incompatibleSchema) { store = try fixture.open() }
        #expect(error?.refusesNewTransactions == true)
    }

    @Test("a closed store answers with errors, not crashes")
    func closed() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        try await store.close()
        do {
            _ = try await store.append(meterDraft(0))
            Issue.record("a closed store accepted an append")
        } catch {
            #expect(!error.description.isEmpty)
        }
    }

    @Test("error codes: which refuse new transactions")
    func codes() {
        for code: StoreError.Code in [.storageFull, .unwritable, .ioError, .corrupt, .incompatibleSchema, .notFound] {
            #expect(StoreError(code, "x").refusesNewTransactions)
        }
        for code: StoreError.Code in [.busy, .invalidRequest, .internalError] {
            #expect(!StoreError(code, "x").refusesNewTransactions)
        }
        #expect(StoreError(.busy, "cannot queue", underlying: "database is locked").description
            == "store error [busy]: cannot queue (database is locked)")
    }
}

/// Runs `sql` on the database at `path` through a plain connection, as another program would.
func sqlite(_ path: String, _ sql: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { try $0.execute(sql: sql) }
    try queue.close()
}
