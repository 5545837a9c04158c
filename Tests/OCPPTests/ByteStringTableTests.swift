import OCPP
import Testing

/// The byte table behind action-name and idTag lookups: what matches, what does not.
@Suite("byte string table")
struct ByteStringTableTests {
    @Test("exact keys match byte for byte; others, prefixes and other cases do not")
    func exact() {
        let table = ByteStringTable([("StartTransaction", 1), ("StopTransaction", 2), ("Heartbeat", 3)])
        #expect(table.count == 3)
        #expect(table.value(for: "StartTransaction") == 1)
        #expect(table.value(for: "StopTransaction") == 2)
        #expect(table.value(for: "Heartbeat") == 3)
        #expect(table.value(for: "starttransaction") == nil)
        #expect(table.value(for: "Start") == nil)
        #expect(table.value(for: "StartTransactionX") == nil)
        #expect(table.value(for: "") == nil)
    }

    @Test("ignoring ASCII case, only A-Z fold; other bytes compare exactly")
    func folded() {
        let table = ByteStringTable([("EMP-00042", 7), ("Straße-1", 8)], ignoringASCIICase: true)
        #expect(table.value(for: "emp-00042") == 7)
        #expect(table.value(for: "EMP-00042") == 7)
        #expect(table.value(for: "eMp-00042") == 7)
        #expect(table.value(for: "EMP_00042") == nil)
        #expect(table.value(for: "STRASSE-1") == nil)
        #expect(table.value(for: "straße-1") == 8)
        #expect(table.value(for: "STRAßE-1") == 8)
    }

    @Test("a key given twice keeps its first value, also when it differs only in case")
    func firstWins() {
        #expect(ByteStringTable([("A", 1), ("A", 2)]).value(for: "A") == 1)
        let folded = ByteStringTable([("tag", 5), ("TAG", 9)], ignoringASCIICase: true)
        #expect(folded.count == 1)
        #expect(folded.value(for: "Tag") == 5)
        let exact = ByteStringTable([("tag", 5), ("TAG", 9)])
        #expect(exact.value(for: "TAG") == 9)
    }

    @Test("10,000 keys that differ in their last bytes all find their own value")
    func many() {
        let keys = (0..<10_000).map { "TAG-\($0)" }
        let table = ByteStringTable(keys.enumerated().map { (key: $1, value: $0) }, ignoringASCIICase: true)
        #expect(table.count == 10_000)
        for (index, key) in keys.enumerated() { #expect(table.value(for: key.lowercased()) == index) }
        #expect(table.value(for: "TAG-10000") == nil)
        #expect(table.value(for: "TAG-") == nil)
    }

    @Test("an empty table finds nothing")
    func empty() {
        #expect(ByteStringTable([]).value(for: "x") == nil)
        #expect(ByteStringTable([]).count == 0)
    }
}
