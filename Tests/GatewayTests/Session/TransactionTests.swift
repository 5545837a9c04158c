import Gateway
import OCPP
import Testing

@Suite("session: transaction ids and owners")
struct TransactionTests {
    static let policy = """
        policy "t" for ocpp 1.6
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route StartTransaction, StopTransaction, MeterValues, StatusNotification to owner
        route StartTransaction, StopTransaction, MeterValues to ems
        allow ems SetChargingProfile, RemoteStopTransaction
        allow fleet RemoteStopTransaction when owner == "fleet"
        """

    /// Starts a FLEET transaction: fleet (the responder) assigns 7, ems (a copy) assigns 900.
    func start(_ h: SessionHarness, copyFirst: Bool) throws {
        let sent = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("FLEET-1")))
        let fleetId = try #require(sent.to("fleet").first?.messageId)
        let emsId = try #require(sent.to("ems").first?.messageId)
        if copyFirst {
            #expect(h.backend("ems", .callResult(id: emsId, payload: Payloads.accepted(900))).toChargePoint.isEmpty)
        }
        let answer = h.backend("fleet", .callResult(id: fleetId, payload: Payloads.accepted(7)))
        #expect(answer.toChargePoint == [.callResult(id: "s1", payload: Payloads.accepted(7))])
        if !copyFirst {
            #expect(h.backend("ems", .callResult(id: emsId, payload: Payloads.accepted(900))).toChargePoint.isEmpty)
        }
    }

    @Test("each backend sees its own transaction id in MeterValues and StopTransaction", arguments: [false, true])
    func idsRewrittenPerBackend(copyFirst: Bool) throws {
        let h = try SessionHarness(Self.policy)
        try start(h, copyFirst: copyFirst)
        let meter = h.cp(.call(id: "m1", action: "MeterValues", payload: Payloads.meter(7)))
        #expect(meter.to("fleet").map(\.payload) == [Payloads.meter(7)])
        #expect(meter.to("ems").map(\.payload) == [Payloads.meter(900)])

        let stop = h.cp(.call(id: "t1", action: "StopTransaction", payload: Payloads.stop(7)))
        #expect(stop.to("fleet").map(\.payload) == [Payloads.stop(7)])
        #expect(stop.to("ems").map(\.payload) == [Payloads.stop(900)])
    }

    @Test("the owner gets StopTransaction without idTag and the connector's StatusNotification; cleared when the stop is answered")
    func ownerFollowsTheTransaction() throws {
        let h = try SessionHarness(Self.policy)
        try start(h, copyFirst: false)
        let status = h.cp(.call(id: "st1", action: "StatusNotification", payload: Payloads.status(1)))
        #expect(status.backendsReached == ["fleet"])
        #expect(status.records.first?.responder == "fleet")
        let statusLeg = try #require(status.to("fleet").first?.messageId)
        #expect(h.backend("fleet", .callResult(id: statusLeg, payload: [:])).toChargePoint == [.callResult(id: "st1", payload: [:])])

        // another connector has no open transaction: no owner, the gateway answers
        let other = h.cp(.call(id: "st2", action: "StatusNotification", payload: Payloads.status(2, "Available")))
        #expect(other.backendsReached.isEmpty)
        #expect(other.toChargePoint == [.callResult(id: "st2", payload: [:])])

        let stop = h.cp(.call(id: "t1", action: "StopTransaction", payload: Payloads.stop(7)))
        #expect(stop.records.first?.responder == "fleet")
        #expect(stop.records.first?.owner == "fleet")
        let stopLeg = try #require(stop.to("fleet").first?.messageId)
        let stopped = h.backend("fleet", .callResult(id: stopLeg, payload: ["idTagInfo": ["status": "Accepted"]]))
        #expect(stopped.toChargePoint == [.callResult(id: "t1", payload: ["idTagInfo": ["status": "Accepted"]])])

        let after = h.cp(.call(id: "st3", action: "StatusNotification", payload: Payloads.status(1, "Available")))
        #expect(after.backendsReached.isEmpty)
        #expect(after.toChargePoint == [.callResult(id: "st3", payload: [:])])
    }

    @Test("two responders choosing the same id for different transactions is logged")
    func clashingIdsLogged() throws {
        let h = try SessionHarness(Self.policy)
        try start(h, copyFirst: false)
        let other = h.cp(.call(id: "s2", action: "StartTransaction", payload: Payloads.start("EMP-1", connector: 2)))
        let leg = try #require(other.to("billing").first?.messageId)
        let answer = h.backend("billing", .callResult(id: leg, payload: Payloads.accepted(7)))
        #expect(answer.toChargePoint == [.callResult(id: "s2", payload: Payloads.accepted(7))])
        #expect(answer.ignored.contains { $0.contains("transaction id 7 from `billing` replaces the open transaction on connector 1") })
    }

    @Test("backend calls carry the backend's id and reach the charge point with the charge point's")
    func backendCallsTranslated() throws {
        let h = try SessionHarness(Self.policy)
        try start(h, copyFirst: false)
        let stop = h.backend("ems", .call(id: "e1", action: "RemoteStopTransaction", payload: ["transactionId": 900]))
        #expect(stop.toChargePoint == [.call(id: "cmx-3", action: "RemoteStopTransaction", payload: ["transactionId": 7])])
        #expect(h.cp(.callResult(id: "cmx-3", payload: ["status": "Accepted"])).to("ems") == [.callResult(id: "e1", payload: ["status": "Accepted"])])

        let profile: (Int) -> JSONValue = { id in
            ["connectorId": 1, "csChargingProfiles": ["chargingProfileId": 1, "transactionId": .integer(id), "stackLevel": 0,
                                                       "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Absolute",
                                                       "chargingSchedule": ["chargingRateUnit": "A",
                                                                            "chargingSchedulePeriod": [["startPeriod": 0, "limit": 16]]]]]
        }
        let set = h.backend("ems", .call(id: "e2", action: "SetChargingProfile", payload: profile(900)))
        #expect(set.toChargePoint == [.call(id: "cmx-4", action: "SetChargingProfile", payload: profile(7))])

        // the owner's own RemoteStop is allowed through `owner == "fleet"`, known from the transaction
        h.cp(.callResult(id: "cmx-4", payload: ["status": "Accepted"]))
        let fleetStop = h.backend("fleet", .call(id: "f1", action: "RemoteStopTransaction", payload: ["transactionId": 7]))
        #expect(fleetStop.toChargePoint == [.call(id: "cmx-5", action: "RemoteStopTransaction", payload: ["transactionId": 7])])
        #expect(fleetStop.records.first?.owner == "fleet")
    }
}
