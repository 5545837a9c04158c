import ArgumentParser
import Foundation
import Gateway
import Logging
import NIOPosix
import ServiceLifecycle

/// `chargemux run --config gateway.yaml`: the gateway.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway: charge points connect to it, it connects onward to every backend.",
        discussion: """
            Refuses to start on any problem in the config or the policy, saying which file, line and key.
            SIGHUP (or `chargemux reload`) re-reads the policy; SIGTERM and SIGINT stop it gracefully.
            Raises its open-file limit to the hard limit: each charge point takes one descriptor, plus one per
            backend; past the limit new charge points are refused with 503.
            """)

    @Option(name: .long, help: ArgumentHelp("The gateway config.", valueName: "gateway.yaml"))
    var config: String

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "chargemux")
        // Each charge point costs 1 + (backends) descriptors: take all the system allows.
        if let raised = FileDescriptorLimit.raiseToHard() {
            logger.info("open-file limit", metadata: ["before": "\(raised.before)", "now": "\(raised.after)"])
        }
        let context: GatewayContext
        do {
            context = try GatewayLauncher.prepare(configPath: config, logger: logger)
            // Certificates and keys: an unreadable or expired file stops the start here, with
            // the file and its dates (GatewayServer.start() loads them again, cheaply).
            try context.tls.load()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(ToolOutput.Status.findings.rawValue)
        }
        let pidFile = PIDFile(configPath: config)
        try? pidFile.writeCurrentProcess()
        defer { pidFile.removeIfCurrentProcess() }
        let server = GatewayServer(context: context, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
