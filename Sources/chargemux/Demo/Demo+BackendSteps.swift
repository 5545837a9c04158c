import Foundation
import Gateway
import OCPP

/// The steps where backends act: the EMS calls the charge point (allowed, then denied), and the
/// fleet backend goes down and comes back.
extension Demo {
    /// Step 5: an allowed call from a backend, with its transaction id translated.
    func emsSetsChargingProfile(visitorTransaction: Int?) async {
        let emsId = emsIds["visitor"] ?? -1
        heading("The EMS limits the visitor's charging: SetChargingProfile on its own id \(emsId)")
        mark = recorder.count
        let profile: JSONValue = [
            "connectorId": 1,
            "csChargingProfiles": [
                "chargingProfileId": 77, "transactionId": .integer(emsId), "stackLevel": 1,
                "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Relative",
                "chargingSchedule": ["chargingRateUnit": "A", "chargingSchedulePeriod": [["startPeriod": 0, "limit": 16]]],
            ],
        ]
        let answer = await emsCall("SetChargingProfile", profile)
        await narrate()
        var status: String?
        if case .callResult(_, let payload)? = answer { status = payload["status"]?.stringValue }
        checks.expect(status == "Accepted", "ems's SetChargingProfile was answered Accepted (got \(Self.describe(answer)))")
        let arrived = observations.chargePointCalls(since: mark).filter { $0.action == "SetChargingProfile" }
        checks.expect(arrived.count == 1, "CP-1 got the SetChargingProfile once (got \(arrived.count))")
        checks.expect(arrived.first?.payload["csChargingProfiles"]?["transactionId"]?.intValue == visitorTransaction,
                      "CP-1 got the SetChargingProfile with its own transaction id \(visitorTransaction ?? -1)")
        let decision = observations.decisions(since: mark).first
        checks.expect(decision?.verdict == "allow" && decision?.rule != nil,
                      "the gateway allowed SetChargingProfile by a rule "
                          + "(decided \(decision?.verdict ?? "nothing"), by \(decision?.rule ?? "no rule"))")
    }

    /// Step 6: a call the policy denies; the charge point never sees it.
    func emsTriesRemoteStop() async {
        let emsId = emsIds["visitor"] ?? -1
        heading("The EMS tries to stop the visitor's charging: RemoteStopTransaction is denied")
        mark = recorder.count
        let answer = await emsCall("RemoteStopTransaction", ["transactionId": .integer(emsId)])
        await narrate()
        if case .callError(_, let code, _, _)? = answer {
            checks.expect(code == "SecurityError", "ems's RemoteStopTransaction was refused with SecurityError (got \(code))")
        } else {
            checks.expect(false, "ems's RemoteStopTransaction was refused (got \(Self.describe(answer)))")
        }
        checks.expect(!observations.chargePointCalls(since: mark).contains { $0.action == "RemoteStopTransaction" },
                      "CP-1 never got the RemoteStopTransaction")
        let decision = observations.decisions(since: mark).first
        checks.expect(decision?.verdict == "deny" && decision?.rule?.contains("site.policy:") == true,
                      "the gateway denied RemoteStopTransaction by a rule of site.policy "
                          + "(decided \(decision?.verdict ?? "nothing"), by \(decision?.rule ?? "no rule"))")
    }

    /// ems calls CP-1 through the gateway; `nil` when no answer came.
    func emsCall(_ action: String, _ payload: JSONValue) async -> OCPPFrame? {
        try? await site.servers["ems"]?.call(action, payload: payload, to: DemoSite.chargePointId, timeout: options.callTimeout)
    }

    /// Step 8: the fleet backend goes away; the charge point stays, the others serve it.
    func backendDrops() async {
        heading("The fleet backend goes down; CP-1 stays connected and the others serve it")
        mark = recorder.count
        let dropMark = mark
        await site.stopServer("fleet")
        await waitUntil(seconds: 3) {
            self.observations.linkEvents("fleet", since: dropMark).contains(.backendDisconnected(backend: "fleet"))
        }
        await narrate(causal: false)
        let status = await chargePointCall("StatusNotification", [
            "connectorId": 1, "errorCode": "NoError", "status": "Available", "timestamp": "2026-03-01T08:12:00Z",
        ])
        await narrate()
        checks.expect(status.succeeded, "StatusNotification was answered while fleet was down (got \(status.outcome))")
        let decision = observations.decisions(since: mark).last
        checks.expect(decision?.skipped["fleet"] != nil, "the gateway skipped the absent fleet backend")
        for name in ["billing", "ems", "visitors"] {
            checks.expect(observations.count("StatusNotification", at: name) == 2, "\(name) got the second StatusNotification")
        }
        mark = recorder.count
        let authorize = await chargePointCall("Authorize", ["idTag": "04A2B3C4D5E6F7"])
        await narrate()
        checks.expect(authorize.succeeded && observations.decisions(since: mark).last?.responder == "billing",
                      "billing answered an employee's Authorize while fleet was down")
        // Let the backoff show a few attempts, as they happen.
        for _ in 0..<15 {
            try? await Task.sleep(for: .milliseconds(100))
            await narrate(causal: false)
        }
        let links = observations.linkEvents("fleet", since: dropMark)
        checks.expect(links.contains { if case .reconnectScheduled = $0 { true } else { false } },
                      "the gateway kept trying to reconnect to fleet, with backoff")
        checks.expect(!observations.chargePointDisconnected(since: dropMark), "CP-1 stayed connected")
    }

    /// Step 9: fleet comes back on the same port, gets the cached BootNotification first.
    func backendReturns() async {
        heading("The fleet backend returns on the same port; the gateway reconnects and replays the boot")
        mark = recorder.count
        let returnMark = mark
        let before = observations.calls("fleet").count
        do {
            try await site.startServer("fleet", port: site.ports["fleet"] ?? 0)
        } catch {
            checks.expect(false, "restarting fleet on its port: \(error)")
            return
        }
        await waitUntil(seconds: 6) {
            self.observations.calls("fleet").count > before
                && self.observations.linkEvents("fleet", since: returnMark).contains(.backendConnected(backend: "fleet"))
        }
        await recorder.settle()
        await narrate(causal: false)
        mark = recorder.count
        let status = await chargePointCall("StatusNotification", [
            "connectorId": 1, "errorCode": "NoError", "status": "Available", "timestamp": "2026-03-01T08:13:00Z",
        ])
        await narrate()
        checks.expect(status.succeeded, "StatusNotification was answered after fleet returned (got \(status.outcome))")
        let since = observations.calls("fleet").dropFirst(before).map(\.action)
        checks.expect(since.first == "BootNotification", "fleet got the cached BootNotification first (got \(since))")
        checks.expect(since.dropFirst().first == "StatusNotification", "then the StatusNotification (got \(since))")
        checks.expect(observations.last("BootNotification", at: "fleet")?["chargeBoxSerialNumber"] != nil,
                      "the replayed BootNotification is the charge point's, serial number and all")
        checks.expect(!observations.chargePointDisconnected(since: 0), "CP-1 stayed connected all along")
    }

    /// CP-1 calls the gateway outside the story.
    func chargePointCall(_ action: String, _ payload: JSONValue) async -> StoryStepResult {
        var result = StoryStepResult(label: action, action: action, request: payload)
        do {
            result.answer = try await site.chargePoint?.call(action, payload, timeout: options.callTimeout)
        } catch {
            result.failure = "\(error)"
        }
        return result
    }
}
