import ArgumentParser
import Foundation
import Gateway
import Logging
import NIOPosix

/// `chargemux simulate chargepoint --url ws://127.0.0.1:8180/ocpp --id CP-1`: a simulated OCPP
/// 1.6 charge point that plays a scripted story and prints every call and its answer.
struct SimulateChargePointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chargepoint",
        abstract: "Run a simulated OCPP 1.6 charge point through a scripted story.",
        discussion: """
            Stories: linking-world (boot, status, heartbeat, then a fleet car, an employee and a visitor charge; \
            the story of Examples/linking-world), boot-only (BootNotification and StatusNotification).
            Exits 0 when every call got a CALLRESULT, 1 otherwise.
            """)

    @Option(name: .long, help: ArgumentHelp("The endpoint; the charge point id is appended.", valueName: "ws-url"))
    var url: String

    @Option(name: .long, help: "The charge point id (also the Basic auth user).")
    var id: String

    @Option(name: .long, help: "The HTTP Basic auth password (security profile 1).")
    var password: String?

    @Option(name: .long, help: "The story: linking-world or boot-only.")
    var story: String = "linking-world"

    @Option(name: .long, help: "Seconds to wait for each answer.")
    var callTimeout: Double = 10

    func validate() throws {
        guard ChargePointStory.named(story) != nil else {
            throw ValidationError("unknown story `\(story)`; known: \(ChargePointStory.all.map(\.name).joined(separator: ", "))")
        }
        guard let endpoint = URL(string: url), endpoint.scheme?.lowercased() == "ws", endpoint.host != nil else {
            throw ValidationError("--url must be a ws:// URL such as ws://127.0.0.1:8180/ocpp (got `\(url)`)")
        }
        guard callTimeout > 0, callTimeout <= 600 else { throw ValidationError("--call-timeout must be in 0…600 seconds") }
    }

    func run() async throws {
        guard let story = ChargePointStory.named(story) else { throw ExitCode(ToolOutput.Status.usage.rawValue) }
        let printer = LinePrinter()
        var logger = Logger(label: "chargemux.simulate")
        logger.logLevel = .warning
        let report: StoryReport
        do {
            report = try await ChargePointStoryRun.run(
                story: story, url: url, id: id, password: password, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                logger: logger, callTimeout: callTimeout, print: { printer.print($0) })
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(ToolOutput.Status.findings.rawValue)
        }
        if !report.succeeded { throw ExitCode(ToolOutput.Status.findings.rawValue) }
    }
}
