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
    let recorder = DemoRecorder()
    let site: DemoSite
    let checks = DemoChecks()
    private let narration: DemoNarration
    var step = 0
    /// ems's own transaction id for each session, from its answers.
    var emsIds: [String: Int] = [:]
    /// Where the current step's events start.
    var mark = 0

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

    var observations: DemoObservations { DemoObservations(systems: site.systems, recorder: recorder) }

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

    /// The whole story: connect, the charge point's story with the EMS's calls, the drop and return.
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

    /// Marks where the step's events start and prints a heading where a new part of the story begins.
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

    /// Narrates and checks the step; after the visitor's start, the EMS acts.
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

    // MARK: Output

    /// Prints `line` unless quiet.
    func say(_ line: String) {
        if !options.quiet { output(line) }
    }

    /// Starts the next numbered step.
    func heading(_ text: String) {
        step += 1
        checks.begin(step: step)
        say("")
        say("\(step). \(text)")
    }

    /// Prints what happened since the last call, after the trailing copies settle.
    func narrate(causal: Bool = true) async {
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

    /// Polls `condition` until it holds or `seconds` pass.
    func waitUntil(seconds: Double, _ condition: @escaping () -> Bool) async {
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
