import ArgumentParser
import Foundation

/// `chargemux loadtest --target ws://127.0.0.1:8180/ocpp --backends 9001,9002 --charge-points 200 --duration 20s`
struct LoadtestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Load-test a gateway (or a backend) on loopback: simulated backends, simulated charge points, latencies.",
        discussion: """
            Starts simple OCPP 1.6 backends on the --backends ports (127.0.0.1, path /ocpp/{id}), connects \
            --charge-points simulated charge points LT0001, LT0002, ... to --target/{id} and drives a realistic \
            mix (boot, status, heartbeats, authorize, start/stop with ten MeterValues each, DataTransfer; the \
            first backend sends GetConfiguration and TriggerMessage now and then). Then checks that every message \
            reached every backend it should have (--expect all: every backend; first: only the first, as when \
            --target is a backend itself), with transaction ids that backend assigned.

            Loopback only: a --target outside 127.0.0.0/8 is refused (exit 2). Exit 0 when there were no errors \
            and nothing was undelivered, 1 otherwise.
            """)

    @Option(name: .long, help: ArgumentHelp("Where the charge points connect, without the id.", valueName: "ws://127.0.0.1:8180/ocpp"))
    var target: String

    @Option(name: .long, help: ArgumentHelp("Ports of the simulated backends to start, comma-separated.", valueName: "9001,9002"))
    var backends: String

    @Option(name: .long, help: "Simulated charge points.")
    var chargePoints: Int = 10

    @Option(name: .long, help: ArgumentHelp("How long to send: 20s, 500ms, 2m.", valueName: "duration"))
    var duration: String = "10s"

    @Option(name: .long, help: "Stop after this many charge point calls.")
    var messages: Int?

    @Option(name: .long, help: "Target charge point calls per second in all (default: as fast as answers come).")
    var rate: Double?

    @Option(name: .long, help: "Calls in flight at once across all charge points (default: --charge-points).")
    var window: Int?

    @Option(name: .long, help: "The charge points' Basic auth password.")
    var password: String?

    @Option(name: .long, help: "Which backends must get each message: all or first.")
    var expect: LoadtestOptions.Expectation = .all

    @Option(name: .long, help: "Event loop threads (default: one per core).")
    var threads: Int?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @Flag(name: .long, help: "Print progress to standard error even with --json (scripts use it to time the traffic).")
    var progress = false

    func options() throws -> LoadtestOptions {
        guard let url = URL(string: target) else { throw ValidationError("--target is not a URL: \(target)") }
        let ports = backends.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ports.isEmpty, ports.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--backends must be ports, comma-separated, e.g. 9001,9002")
        }
        guard let seconds = LoadtestOptions.parseDuration(duration) else {
            throw ValidationError("--duration must be like 20s, 500ms or 2m")
        }
        var options = LoadtestOptions(
            target: url,
            backendPorts: ports.compactMap { $0 }, chargePoints: chargePoints, duration: seconds, messages: messages,
            rate: rate, window: window ?? chargePoints, password: password, expect: expect)
        if let threads { options.threads = threads }
        do {
            try Loadtest.validate(options)
        } catch let error as LoadtestUsageError {
            throw ValidationError(error.description)
        }
        return options
    }

    func validate() throws {
        _ = try options()
    }

    func run() async throws {
        let options = try options()
        let quiet = json && !progress
        let loadtest = Loadtest(options: options, progress: { line in
            if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        })
        let report: LoadtestReport
        do {
            report = try await loadtest.run()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(ToolOutput.Status.findings.rawValue)
        }
        let text = json ? report.json.serialized : report.text
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
        if !report.passed { throw ExitCode(ToolOutput.Status.findings.rawValue) }
    }
}

extension LoadtestOptions.Expectation: ExpressibleByArgument {}
