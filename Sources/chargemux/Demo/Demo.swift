import Foundation
import Gateway
import OCPP

/// `chargemux demo`: the Linking World site in one process, narrated step by step, each step's
/// outcome checked against what the policy says.
final class Demo: @unchecked Sendable {
    // @unchecked: the demo runs on one task; the recorder has its own lock.

    /// What to run and how much to say.
    struct Options: Sendable {
        /// The example's folder (site.policy, employees.txt).
        var policyDirectory: String = "Examples/linking-world"
        /// Print only the summary.
        var quiet: Bool = false
        /// Seconds each call may wait for its answer.
        var callTimeout: Double = 5
        /// Seconds the whole story may take.
        var overallTimeout: Double = 60
    }

    let options: Options
    private let output: @Sendable (String) -> Void
    private let recorder = DemoRecorder()
    private let site: DemoSite
    private let checks = DemoChecks()
    private let narration: DemoNarration
    private var step = 0
    /// ems's own transaction id for each session, from its answers.
    private var emsIds: [String: Int] = [:]
    /// Where the current step's events start.
    private var mark = 0

    /// The owner backend of each session of the story, as site.policy says.
    static let owners = ["fleet": "fleet", "employee": "billing", "visitor": "visitors"]
    static let backendNames = DemoSite.backends.map(\.name)

    init(options: Options, output: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.output = output
        site = DemoSite(recorder: recorder)
        let policyPath = site.policyPath
        narration = DemoNarration(chargePoint: DemoSite.chargePointId, backendOrder: Self.backendNames,
                                  ruleText: { Demo.sourceLine(of: $0, policyPath: policyPath) },
                                  hiddenFolder: site.directory.path)
    }

    private var observations: DemoObservations { DemoObservations(systems: site.systems, recorder: recorder) }

    /// Runs the demo and prints the summary; never throws, the result says what went wrong.
    func run() async -> DemoResult {
        let started = Date()
        say("chargemux demo: the Linking World site (\(options.policyDirectory)) on loopback, in one process")
        do {
            try await site.start(policyDirectory: options.policyDirectory)
            await bounded(seconds: options.overallTimeout) { await self.story() }
        } catch {
            checks.expect(false, "setting up the site: \(error)")
        }
        let counts = Dictionary(uniqueKeysWithValues: Self.backendNames.map { name in
            (name, Dictionary(observations.calls(name).map { ($0.action, 1) }, uniquingKeysWith: +))
        })
        await site.shutdown()
        let result = DemoResult(steps: step, deviations: checks.deviations, receivedCalls: counts,
                                seconds: Date().timeIntervalSince(started))
        summarize(result)
        return result
    }

    // MARK: The story

    private func story() async {
        heading("CP-1 connects; the gateway connects onward to every backend as CP-1")
        await waitUntil(seconds: 3) {
            Self.backendNames.allSatisfy { self.observations.linkEvents($0, since: 0).contains(.backendConnected(backend: $0)) }
        }
        await narrate()
        for name in Self.backendNames {
            checks.expect(observations.linkEvents(name, since: 0).contains(.backendConnected(backend: name)),
                          "the gateway connected to \(name) as CP-1")
        }
        guard let chargePoint = site.chargePoint else {
            checks.expect(false, "CP-1 is not connected")
            return
        }
        _ = await ChargePointStoryRunner(callTimeout: options.callTimeout).run(
            .linkingWorld, on: chargePoint,
            before: { step in await self.beforeStep(step) },
            after: { result, memory in await self.afterStep(result, memory: memory) })
        guard !Task.isCancelled else { return }
        await backendDrops()
        guard !Task.isCancelled else { return }
        await backendReturns()
    }

    private func beforeStep(_ step: ChargePointStory.Step) async {
        mark = recorder.count
        switch step.label {
        case "boot": heading("CP-1 boots: BootNotification, StatusNotification, Heartbeat")
        case "fleet.authorize": heading("A fleet car charges (idTag FLEET-0042)")
        case "employee.authorize": heading("An employee charges (idTag 04A2B3C4D5E6F7, from employees.txt)")
        case "visitor.authorize": heading("A visitor starts charging (idTag VISITOR-1)")
        case "visitor.stop": heading("The visitor stops charging")
        default: break
        }
    }

    private func afterStep(_ result: StoryStepResult, memory: ChargePointStory.Memory) async {
        // The copies' answers may trail the charge point's answer; the checks look at them.
        let stepMark = mark
        await waitUntil(seconds: 2) { self.observations.everyTargetAnswered(since: stepMark) }
        await narrate()
        check(result, memory: memory)
        if result.label == "visitor.start" {
            await emsSetsChargingProfile(visitorTransaction: memory.transactionIds["visitor"])
            await emsTriesRemoteStop()
        }
    }

    /// Step 5: an allowed call from a backend, with its transaction id translated.
    private func emsSetsChargingProfile(visitorTransaction: Int?) async {
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
    private func emsTriesRemoteStop() async {
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

    private func emsCall(_ action: String, _ payload: JSONValue) async -> OCPPFrame? {
        try? await site.servers["ems"]?.call(action, payload: payload, to: DemoSite.chargePointId, timeout: options.callTimeout)
    }

    /// Step 8: the fleet backend goes away; the charge point stays, the others serve it.
    private func backendDrops() async {
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
    private func backendReturns() async {
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

    private func chargePointCall(_ action: String, _ payload: JSONValue) async -> StoryStepResult {
        var result = StoryStepResult(label: action, action: action, request: payload)
        do {
            result.answer = try await site.chargePoint?.call(action, payload, timeout: options.callTimeout)
        } catch {
            result.failure = "\(error)"
        }
        return result
    }

    // MARK: Checks of the story's steps

    private func check(_ result: StoryStepResult, memory: ChargePointStory.Memory) {
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

    private func checkSession(_ session: String, owner: String, step: String, memory: ChargePointStory.Memory,
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

    // MARK: Output

    private func say(_ line: String) {
        if !options.quiet { output(line) }
    }

    private func heading(_ text: String) {
        step += 1
        checks.begin(step: step)
        say("")
        say("\(step). \(text)")
    }

    /// Prints what happened since the last call, after the trailing copies settle.
    private func narrate(causal: Bool = true) async {
        await recorder.settle()
        for line in narration.lines(for: recorder.takeUnnarrated(), causal: causal) { say("   " + line) }
    }

    private func summarize(_ result: DemoResult) {
        if result.steps > 0 {
            say("")
            for line in DemoSummary.table(result.receivedCalls, backends: Self.backendNames) { output(line) }
            output("")
        }
        if result.succeeded {
            output("demo finished: \(result.steps) steps, all as the policy says (\(result.seconds.formatted(decimals: 1)) s)")
        } else {
            output("demo finished: \(result.steps) steps, \(result.deviations.count) not as expected:")
            for deviation in result.deviations { output("  - \(deviation)") }
        }
    }

    // MARK: Helpers

    /// An answer for a deviation message.
    static func describe(_ answer: OCPPFrame?) -> String {
        guard let answer else { return "no answer" }
        return SimulatorEventLine.describe(answer)
    }

    /// Runs `body`, giving up (with a deviation) after `seconds`.
    private func bounded(seconds: Double, _ body: @escaping @Sendable () async -> Void) async {
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await body(); return true }
            group.addTask { try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        checks.expect(finished, "the demo did not finish within \(Int(seconds)) s")
    }

    private func waitUntil(seconds: Double, _ condition: @escaping () -> Bool) async {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition(), Date() < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The text of the policy line `file:line` (a rule), without its comment.
    static func sourceLine(of location: String, policyPath: String) -> String? {
        guard let colon = location.lastIndex(of: ":"), let line = Int(location[location.index(after: colon)...]), line > 0
        else { return nil }
        let file = String(location[..<colon])
        let sibling = URL(fileURLWithPath: policyPath).deletingLastPathComponent()
            .appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent).path
        guard let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? (try? String(contentsOfFile: sibling, encoding: .utf8))
        else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line <= lines.count else { return nil }
        let source = lines[line - 1].split(separator: "#", maxSplits: 1).first.map(String.init) ?? ""
        let trimmed = source.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
            .joined(separator: " ")
        return trimmed.isEmpty ? nil : trimmed
    }
}
