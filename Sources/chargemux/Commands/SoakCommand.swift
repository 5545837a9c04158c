import ArgumentParser
import Foundation

/// `chargemux soak`: the durability soak test, bounded and on loopback only.
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run charge points through transactions while backends are killed and restarted at random, then check delivery.",
        discussion: """
            Everything runs in this process on loopback: the gateway with its store, three simulated backends \
            and the charge points. Exits 0 when every backend got every transaction message meant for it, in order.
            """)

    @Option(help: "How many charge points.") var chargePoints = 100
    @Option(help: "How long to run, in seconds.") var seconds = 600
    @Option(help: "The longest a backend stays down, in seconds.") var maxOutage = 15
    @Option(help: "The longest between two outages, in seconds.") var maxUptime = 30

    func run() async throws {
        var options = SoakRun.Options()
        options.chargePoints = max(1, min(chargePoints, 1_000))
        options.duration = .seconds(max(1, seconds))
        options.maxOutage = .seconds(max(1, maxOutage))
        options.maxUptime = .seconds(max(1, maxUptime))
        let started = Date()
        options.progress = { line in
            FileHandle.standardError.write(Data("[\(String(format: "%6.1f", Date().timeIntervalSince(started)))s] \(line)\n".utf8))
        }
        let verdict = try await SoakRun(options: options).run()
        print(verdict.report)
        if !verdict.passed { throw ExitCode.failure }
    }
}
