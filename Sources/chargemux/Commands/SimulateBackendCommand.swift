import ArgumentParser
import Foundation
import Gateway
import Logging
import NIOPosix
import ServiceLifecycle

/// `chargemux simulate backend --listen 127.0.0.1:9001 --name billing`: a simulated OCPP 1.6
/// central system that answers every call correctly, printing each message.
struct SimulateBackendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backend",
        abstract: "Run a simulated OCPP 1.6 backend until SIGINT or SIGTERM, printing every message.",
        discussion: """
            Charge points (or a gateway) connect to ws://HOST:PORT/ocpp/{chargePointId}. Every call is answered \
            schema-valid and Accepted; StartTransaction gets transaction ids counting up from --transaction-id-base.
            """)

    @Option(name: .long, help: ArgumentHelp("Where to listen; port 0 lets the system choose.", valueName: "host:port"))
    var listen: ListenArgument

    @Option(name: .long, help: "The backend's name, in its output and its message ids.")
    var name: String

    @Option(name: .long, help: "The first transaction id it assigns.")
    var transactionIdBase: Int = 1000

    @Option(name: .long, help: "Require HTTP Basic auth with this password (security profile 1).")
    var password: String?

    @Option(name: .long, help: "How it answers BootNotification: Accepted, Pending or Rejected.")
    var bootStatus: BootStatus = .accepted

    /// The BootNotification statuses of OCPP 1.6.
    enum BootStatus: String, ExpressibleByArgument, CaseIterable, Sendable {
        case accepted = "Accepted", pending = "Pending", rejected = "Rejected"
    }

    func run() async throws {
        let printer = LinePrinter()
        var logger = Logger(label: "chargemux.simulate")
        logger.logLevel = .warning
        let system = SimulatedCentralSystem(name: name, transactionIdBase: transactionIdBase, bootStatus: bootStatus.rawValue)
        let server = SimulatedBackendServer(
            system: system, host: listen.host, port: listen.port, password: password,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger,
            onEvent: { printer.print(SimulatorEventLine.line(for: $0)) })
        let host = listen.host.contains(":") ? "[\(listen.host)]" : listen.host
        let name = self.name
        let service = SimulatedBackendService(server: server) { port in
            printer.print("\(name) listening on ws://\(host):\(port)/ocpp/{chargePointId} (Ctrl-C to stop)")
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            FileHandle.standardError.write(Data("error: \(name) cannot listen on \(host):\(listen.port): \(error)\n".utf8))
            throw ExitCode(ToolOutput.Status.findings.rawValue)
        }
        printer.print("\(name) stopped")
    }
}
