import Gateway
import OCPP
import Testing

@Suite("session: snapshots across reconnects")
struct SnapshotTests {
    static let policy = """
        policy "t" for ocpp 1.6
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route BootNotification to billing, ems answered by billing
        route StartTransaction, StopTransaction, MeterValues, StatusNotification to owner
        route StartTransaction, StopTransaction, MeterValues to ems
        """

    @Test("a new connection restored from the old one's snapshot keeps ids, owners and the boot")
    func reconnectMidTransaction() throws {
        let first = try SessionHarness(Self.policy)
        let boot = first.cp(.call(id: "b", action: "BootNotification", payload: Payloads.boot))
        first.backend("billing", .callResult(id: try #require(boot.to("billing").first?.messageId), payload: Payloads.bootAnswer("Accepted")))
        first.backend("ems", .callResult(id: try #require(boot.to("ems").first?.messageId), payload: Payloads.bootAnswer("Accepted")))
        let start = first.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("FLEET-1", connector: 2)))
        first.backend("fleet", .callResult(id: try #require(start.to("fleet").first?.messageId), payload: Payloads.accepted(7)))
        first.backend("ems", .callResult(id: try #require(start.to("ems").first?.messageId), payload: Payloads.accepted(900)))
        let snapshot = first.session.snapshot
        #expect(snapshot.transactions == [.init(chargePointTransactionId: 7, connectorId: 2, owner: "fleet",
                                                backendIds: ["fleet": 7, "ems": 900])])
        #expect(snapshot.bootNotification == Payloads.boot)

        let second = try SessionHarness(Self.policy, connected: [])
        second.session.restore(snapshot)
        #expect(second.connect("ems").to("ems").map(\.messageId) == ["cmx-1"])
        second.backend("ems", .callResult(id: "cmx-1", payload: Payloads.bootAnswer("Accepted")))
        second.connect("fleet")
        let meter = second.cp(.call(id: "m", action: "MeterValues", payload: Payloads.meter(7, connector: 2)))
        #expect(meter.to("fleet").map(\.payload) == [Payloads.meter(7, connector: 2)])
        #expect(meter.to("ems").map(\.payload) == [Payloads.meter(900, connector: 2)])
        let status = second.cp(.call(id: "st", action: "StatusNotification", payload: Payloads.status(2)))
        #expect(status.records.first?.responder == "fleet")
    }
}
