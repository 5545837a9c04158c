import Foundation
import Gateway
import OCPP
import Testing

@Suite("Store: `chargemux sessions` report")
struct SessionsReportTests {
    /// Three transactions: CP-1 connector 1 stopped, CP-2 open, CP-1 connector 2 stopped with a comma in its reason.
    func filledStore(_ fixture: StoreFixture) async throws {
        let store = try fixture.open()
        _ = try await store.recordStart(start("CP-1", connector: 1, idTag: "9f8e7d6c5b4a", at: 0, meterStart: 1000, chargePointTransactionId: 1))
        _ = try await store.recordStop(TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 1, stoppedAt: storeTime(3600),
                                                       meterStop: 12_345, reason: "EVDisconnected"))
        _ = try await store.recordStart(start("CP-2", at: 60, meterStart: 0, owner: nil, chargePointTransactionId: 5))
        _ = try await store.recordStart(start("CP-1", connector: 2, at: 7200, meterStart: 500, owner: "fleet", chargePointTransactionId: 2))
        _ = try await store.recordStop(TransactionStop(chargePoint: "CP-1", chargePointTransactionId: 2, stoppedAt: storeTime(9000),
                                                       meterStop: 1500, reason: "Other, \"manual\""))
        try await store.close()
    }

    @Test("table: one line per transaction, numbers right-aligned, a total")
    func table() async throws {
        let fixture = StoreFixture()
        try await filledStore(fixture)
        let text = try await TransactionReport.render(store: .sqlite(path: fixture.path), query: TransactionQuery(), format: .table)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 6 && lines[5].isEmpty)
        #expect(lines[0].hasPrefix("CHARGE POINT  CONNECTOR  ID TAG        OWNER    START                 STOP"))
        #expect(lines[1].hasPrefix("CP-1                  1  9f8e7d6c5b4a  billing  2027-02-06T10:00:00Z  2027-02-06T11:00:00Z"))
        #expect(lines[1].hasSuffix("11.345  EVDisconnected"))
        #expect(lines[2].hasPrefix("CP-2                  1  a1b2c3d4e5f6           2027-02-06T10:01:00Z"))
        #expect(lines[4] == "3 transactions, 12.345 kWh")
    }

    @Test("csv: a header and RFC 4180 quoting")
    func csv() async throws {
        let fixture = StoreFixture()
        try await filledStore(fixture)
        let text = try await TransactionReport.render(store: .sqlite(path: fixture.path), query: TransactionQuery(chargePoint: "CP-1"), format: .csv)
        #expect(text == [
            "chargePoint,connector,idTag,owner,start,stop,meterStart,meterStop,energyKWh,stopReason",
            "CP-1,1,9f8e7d6c5b4a,billing,2027-02-06T10:00:00Z,2027-02-06T11:00:00Z,1000,12345,11.345,EVDisconnected",
            "CP-1,2,a1b2c3d4e5f6,fleet,2027-02-06T12:00:00Z,2027-02-06T12:30:00Z,500,1500,1.000,\"Other, \"\"manual\"\"\"",
        ].map { $0 + "\r\n" }.joined())
    }

    @Test("json: an array of objects, nulls for what an open transaction lacks; --since keeps what charged since")
    func json() async throws {
        let fixture = StoreFixture()
        try await filledStore(fixture)
        let text = try await TransactionReport.render(store: .sqlite(path: fixture.path),
                                                      query: TransactionQuery(since: storeTime(4000)), format: .json)
        let value = try JSONValue(parsing: text)
        let array = try #require(value.arrayValue)
        #expect(array.count == 2)
        #expect(array[0]["chargePoint"] == "CP-2" && array[0]["stop"] == .null && array[0]["energyKWh"] == .null && array[0]["owner"] == .null)
        #expect(array[1]["connector"] == 2 && array[1]["energyKWh"] == .number("1.000") && array[1]["stopReason"] == "Other, \"manual\"")
        #expect(text.hasSuffix("\n"))
    }

    @Test("an empty store gives the header and a zero total; a missing store is an error, not a new file")
    func emptyAndMissing() async throws {
        let fixture = StoreFixture()
        _ = try fixture.open()
        let text = try await TransactionReport.render(store: .sqlite(path: fixture.path), query: TransactionQuery(), format: .table)
        #expect(text.hasSuffix("\n0 transactions, 0.000 kWh\n"))
        #expect(try await TransactionReport.render(store: .sqlite(path: fixture.path), query: TransactionQuery(), format: .json) == "[]\n")
        let missing = fixture.directory.path + "/missing.db"
        await expectStoreError(.notFound) {
            try await TransactionReport.render(store: .sqlite(path: missing), query: TransactionQuery(), format: .table)
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test("`chargemux sessions` reads the store named by --store or by a config")
    func command() async throws {
        let binary = try #require(chargemuxExecutable, "build the executable first: `swift build`")
        let fixture = StoreFixture()
        try await filledStore(fixture)
        func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            try runToExit(binary, arguments, in: fixture.directory.path)
        }
        let csv = try run(["sessions", "--store", "sqlite:store.db", "--charge-point", "CP-2", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.split(separator: "\r\n").count == 2 && csv.stdout.contains("CP-2,1,a1b2c3d4e5f6,,"))
        let since = try run(["sessions", "--store", "sqlite:" + fixture.path, "--since", "2027-02-06T11:30:00Z", "--format", "json"])
        #expect(since.status == 0, "\(since.stderr)")
        let sinceCount = try JSONValue(parsing: since.stdout).arrayValue?.count
        #expect(sinceCount == 2)

        fixture.directory.write("site.policy", "placeholder\n")
        fixture.directory.write("gateway.yaml", DefaultsTests.minimal + "\nstore: sqlite:store.db\n")
        let table = try run(["sessions", "--config", fixture.directory.path + "/gateway.yaml"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasSuffix("3 transactions, 12.345 kWh\n"))
        fixture.directory.write("other.yaml", DefaultsTests.minimal + "\nstore: sqlite:elsewhere.db\n")
        let absent = try run(["sessions", "--config", "other.yaml"])
        #expect(absent.status == 1 && absent.stderr.contains("store error [not-found]"), "\(absent.stderr)")

        let bad = try run(["sessions", "--store", "sqlite:store.db", "--since", "yesterday"])
        #expect(bad.status == 2 && bad.stderr.contains("RFC 3339"))
        let both = try run(["sessions"])
        #expect(both.status == 2)
        let missing = try run(["sessions", "--store", "sqlite:nothing-here.db"])
        #expect(missing.status == 1 && missing.stderr.contains("store error [not-found]"))
    }
}
