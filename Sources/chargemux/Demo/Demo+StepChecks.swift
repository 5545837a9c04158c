import Gateway
import OCPP

/// What each step of the charge point's story must have done, as site.policy says.
extension Demo {
    /// Checks the outcome of one step of the story against the policy, recording deviations.
    func check(_ result: StoryStepResult, memory: ChargePointStory.Memory) {
        let observed = observations
        checks.expect(result.succeeded, "\(result.label): \(result.action) got \(result.outcome)")
        let parts = result.label.split(separator: ".").map(String.init)
        let decision = observed.decisions(since: mark).first
        switch result.label {
        case "boot":
            checks.expect(result.answerPayload?["status"] == "Accepted", "the boot was Accepted")
            for name in Self.backendNames {
                let boot = observed.last("BootNotification", at: name)
                let hidden = boot?["chargeBoxSerialNumber"] == nil && boot?["iccid"] == nil && boot?["imsi"] == nil
                checks.expect(boot != nil, "\(name) got the BootNotification")
                checks.expect(["ems", "visitors"].contains(name) == hidden,
                              "\(name) got the BootNotification \(hidden ? "without" : "with") serial number, iccid and imsi")
            }
        case "status.available":
            for name in Self.backendNames {
                checks.expect(observed.count("StatusNotification", at: name) == 1, "\(name) got the StatusNotification")
            }
        case "heartbeat":
            checks.expect(decision?.verdict == "gateway", "the gateway answered the Heartbeat itself")
            checks.expect(Self.backendNames.allSatisfy { observed.count("Heartbeat", at: $0) == 0 }, "no backend saw the Heartbeat")
        case "fleet.datatransfer":
            checks.expect(decision?.responder == "fleet", "fleet answered the DataTransfer")
        default:
            guard parts.count == 2, let owner = Self.owners[parts[0]] else { break }
            checkSession(parts[0], owner: owner, step: parts[1], memory: memory, decision: decision)
        }
    }

    /// Checks a session's step (`authorize`, `start`, `meter`, `stop`): the owner answers, ems
    /// gets copies with the owner's name for the idTag and its own transaction ids.
    func checkSession(_ session: String, owner: String, step: String, memory: ChargePointStory.Memory,
                              decision: DecisionLine?) {
        let observed = observations
        checks.expect(decision?.responder == owner, "\(owner) answered the \(session)'s \(step) (answered: \(decision?.responder ?? "none"))")
        let transaction = memory.transactionIds[session]
        switch step {
        case "start":
            let first = DemoSite.backends.first { $0.name == owner }?.transactionIdBase
            checks.expect(transaction == first && observed.lastAssignedTransactionId(by: owner, since: mark) == transaction,
                          "CP-1 got \(owner)'s transaction id \(first ?? -1) (got \(transaction ?? -1))")
            let copy = observed.last("StartTransaction", at: "ems")
            checks.expect(copy?["idTag"]?.stringValue == owner, "ems saw idTag \"\(owner)\" (saw \(copy?["idTag"].map { "\($0)" } ?? "nothing"))")
            let emsId = observed.lastAssignedTransactionId(by: "ems", since: mark)
            checks.expect(emsId != nil && emsId != transaction, "ems answered with an id of its own (\(emsId ?? -1))")
            emsIds[session] = emsId
        case "meter", "stop":
            let action = step == "meter" ? "MeterValues" : "StopTransaction"
            checks.expect(observed.last(action, at: owner)?["transactionId"]?.intValue == transaction,
                          "\(owner) got the \(action) with its id \(transaction ?? -1)")
            checks.expect(observed.last(action, at: "ems")?["transactionId"]?.intValue == emsIds[session],
                          "ems got the \(action) with its own id \(emsIds[session] ?? -1)")
        default:
            break
        }
    }
}
