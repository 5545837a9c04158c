import Foundation
import Gateway
import OCPP
import Testing

@Suite("Store: charge point state, snapshots and settings")
struct ChargePointStateStoreTests {
    @Test("the last BootNotification per charge point replaces the one before")
    func boot() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        #expect(try await store.bootNotification(chargePoint: "CP-1") == nil)
        try await store.recordBootNotification(["chargePointVendor": "V", "chargePointModel": "M1"], chargePoint: "CP-1", at: storeTime(0))
        try await store.recordBootNotification(["chargePointVendor": "V", "chargePointModel": "M2"], chargePoint: "CP-1", at: storeTime(5))
        try await store.recordBootNotification(["chargePointVendor": "W", "chargePointModel": "X"], chargePoint: "CP-2", at: storeTime(1))
        #expect(try await store.bootNotification(chargePoint: "CP-1")
            == StoredMessage(payload: ["chargePointVendor": "V", "chargePointModel": "M2"], receivedAt: storeTime(5)))
        #expect(try await store.bootNotification(chargePoint: "CP-2")?.payload["chargePointModel"] == "X")
    }

    @Test("the last StatusNotification per connector, connector 0 included")
    func status() async throws {
        let fixture = StoreFixture()
        var store = try fixture.open()
        for (connector, status) in [(0, "Available"), (1, "Preparing"), (1, "Charging"), (2, "Faulted")] {
            try await store.recordStatusNotification(["connectorId": .integer(connector), "status": .string(status), "errorCode": "NoError"],
                                                     chargePoint: "CP-1", connectorId: connector, at: storeTime(Double(connector)))
        }
        try await store.close()
        store = try fixture.open()
        let statuses = try await store.statusNotifications(chargePoint: "CP-1")
        #expect(statuses.mapValues { $0.payload["status"]?.stringValue } == [0: "Available", 1: "Charging", 2: "Faulted"])
        #expect(statuses[2]?.receivedAt == storeTime(2))
        #expect(try await store.statusNotifications(chargePoint: "CP-2").isEmpty)
    }

    @Test("session snapshots round-trip, survive a reopen, are read without being removed, and can be removed")
    func snapshots() async throws {
        let fixture = StoreFixture()
        var store = try fixture.open()
        let snapshot = SessionSnapshot(
            transactions: [
                .init(chargePointTransactionId: 7, connectorId: 1, owner: "billing", backendIds: ["billing": 7, "analytics": 900]),
                .init(chargePointTransactionId: 8, connectorId: nil, owner: nil, backendIds: [:]),
            ],
            bootNotification: ["chargePointVendor": "V", "chargePointModel": "M", "firmwareVersion": "1.2.3"],
            missedStatus: ["ems": [1: ["connectorId": 1, "errorCode": "NoError", "status": "Charging"],
                                   2: ["connectorId": 2, "errorCode": "GroundFailure", "status": "Faulted"]]])
        #expect(try await store.snapshot(chargePoint: "CP-1") == nil)
        try await store.saveSnapshot(snapshot, chargePoint: "CP-1")
        try await store.saveSnapshot(SessionSnapshot(), chargePoint: "CP-2")
        try await store.close()
        store = try fixture.open()
        #expect(try await store.snapshot(chargePoint: "CP-1") == snapshot)
        #expect(try await store.snapshot(chargePoint: "CP-1") == snapshot)
        #expect(try await store.snapshot(chargePoint: "CP-2") == SessionSnapshot())
        var changed = snapshot
        changed.transactions.removeLast()
        try await store.saveSnapshot(changed, chargePoint: "CP-1")
        #expect(try await store.snapshot(chargePoint: "CP-1") == changed)
        try await store.removeSnapshot(chargePoint: "CP-1")
        #expect(try await store.snapshot(chargePoint: "CP-1") == nil)
    }

    @Test("WAL mode, synchronous FULL by default (NORMAL on request), foreign keys on")
    func settings() async throws {
        let fixture = StoreFixture()
        var store = try fixture.open()
        var pragmas = try await store.pragmas()
        #expect(pragmas.journalMode == "wal" && pragmas.synchronous == 2 && pragmas.foreignKeys)
        try await store.close()
        store = try fixture.open(.init(synchronous: .normal))
        pragmas = try await store.pragmas()
        #expect(pragmas.journalMode == "wal" && pragmas.synchronous == 1)
    }

    @Test("the store is reached through the protocol, opened from a config location")
    func throughTheProtocol() async throws {
        let fixture = StoreFixture()
        let location = try #require(GatewayConfig.StoreLocation(parsing: "sqlite:store.db", relativeTo: fixture.directory.path))
        #expect(location == .sqlite(path: fixture.path))
        #expect(GatewayConfig.StoreLocation(parsing: "postgres://x") == nil)
        #expect(GatewayConfig.StoreLocation(parsing: "sqlite:") == nil)
        #expect(GatewayConfig.StoreLocation(parsing: "sqlite:/abs/x.db") == .sqlite(path: "/abs/x.db"))
        let store: any GatewayStore = try GatewayStores.open(location)
        _ = try await store.recordStart(start())
        #expect(try await store.transactions(TransactionQuery()).count == 1)
        try await store.close()
    }
}
