import ArgumentParser
import Foundation
import Gateway

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

            --profile idle is a quiet site instead: each charge point boots, then sends a Heartbeat and a MeterValues \
            every --interval (default 60s), at its own random phase.

            To keep the backends' sockets out of the load generator's open-file limit, run them in a process of \
            their own with --serve-backends 9001,9002,9003 (until SIGTERM/SIGINT, or --duration, default 1h), and \
            give the load test --external-backends: it then asks that process what each backend got, so the \
            delivery check is the same (the backends' own calls to the charge points are left out).

            Loopback only: a --target outside 127.0.0.0/8 is refused (exit 2). Exit 0 when there were no errors \
            and nothing was undelivered, 1 otherwise. Both modes raise the open-file limit to the hard limit.
            """)

    @Option(name: .long, help: ArgumentHelp("Where the charge points connect, without the id.", valueName: "ws://127.0.0.1:8180/ocpp"))
    var target: String?

    @Option(name: .long, help: ArgumentHelp("Ports of the simulated backends, comma-separated.", valueName: "9001,9002"))
    var backends: String?

    @Option(name: .long, help: ArgumentHelp("Only serve the simulated backends on these ports, for a load test in another process.",
                                            valueName: "9001,9002"))
    var serveBackends: String?

    @Flag(name: .long, help: "The --backends run in a --serve-backends process: start none, ask that process.")
    var externalBackends = false

    @Option(name: .long, help: "What the charge points send: mix (a busy site) or idle (Heartbeat and MeterValues every --interval).")
    var profile: LoadProfile = .mix

    @Option(name: .long, help: ArgumentHelp("With --profile idle: how often each charge point sends each call.", valueName: "duration"))
    var interval: String = "60s"

    @Option(name: .long, help: "Simulated charge points.")
    var chargePoints: Int = 10

    @Option(name: .long, help: ArgumentHelp("How long to send: 20s, 500ms, 2m (default 10s; --serve-backends: 1h).",
                                            valueName: "duration"))
    var duration: String?

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

    static func ports(_ text: String, option: String) throws -> [Int] {
        let ports = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ports.isEmpty, ports.allSatisfy({ $0 != nil }) else {
            throw ValidationError("\(option) must be ports, comma-separated, e.g. 9001,9002")
        }
        return ports.compactMap { $0 }
    }

    /// `--serve-backends`: the ports and how long to serve at most.
    func serveOptions() throws -> (ports: [Int], seconds: Double)? {
        guard let serveBackends else { return nil }
        guard target == nil, backends == nil, !externalBackends else {
            throw ValidationError("--serve-backends runs only the backends: give it no --target, --backends or --external-backends")
        }
        let ports = try Self.ports(serveBackends, option: "--serve-backends")
        guard ports.allSatisfy({ (1...65535).contains($0) }), Set(ports).count == ports.count else {
            throw ValidationError("--serve-backends must be distinct ports 1-65535, e.g. 9001,9002")
        }
        guard let seconds = LoadtestOptions.parseDuration(duration ?? "1h"), seconds <= 7 * 24 * 3600 else {
            throw ValidationError("--duration must be like 20s, 500ms or 2m")
        }
        return (ports, seconds)
    }

    func options() throws -> LoadtestOptions {
        guard let target else { throw ValidationError("--target is required (or --serve-backends)") }
        guard let backends else { throw ValidationError("--backends is required") }
        guard let url = URL(string: target) else { throw ValidationError("--target is not a URL: \(target)") }
        let ports = try Self.ports(backends, option: "--backends")
        guard let seconds = LoadtestOptions.parseDuration(duration ?? "10s") else {
            throw ValidationError("--duration must be like 20s, 500ms or 2m")
        }
        guard let intervalSeconds = LoadtestOptions.parseDuration(interval) else {
            throw ValidationError("--interval must be like 60s, 500ms or 2m")
        }
        var options = LoadtestOptions(
            target: url,
            backendPorts: ports, chargePoints: chargePoints, duration: seconds, messages: messages,
            rate: rate, window: window ?? chargePoints, password: password, expect: expect)
        if let threads { options.threads = threads }
        options.profile = profile
        options.interval = intervalSeconds
        options.externalBackends = externalBackends
        do {
            try Loadtest.validate(options)
        } catch let error as LoadtestUsageError {
            throw ValidationError(error.description)
        }
        return options
    }

    func validate() throws {
        if try serveOptions() == nil { _ = try options() }
    }

    func run() async throws {
        FileDescriptorLimit.raiseToHard()
        if let serve = try serveOptions() {
            let served = try await LoadBackendService(ports: serve.ports, seconds: serve.seconds, threads: threads).run()
            FileHandle.standardOutput.write(Data(((json ? served.json.serialized : served.text) + "\n").utf8))
            return
        }
        let options = try options()
        // Progress goes to standard error in both formats: scripts watch it for the phases.
        let loadtest = Loadtest(options: options, progress: { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
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
extension LoadProfile: ExpressibleByArgument {}
