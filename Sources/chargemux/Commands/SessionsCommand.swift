import ArgumentParser
import Foundation
import Gateway
import OCPP

extension TransactionReport.Format: ExpressibleByArgument {}

/// `chargemux sessions`: what was charged, from the store.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List charging sessions (transactions) from the gateway's store.",
        discussion: """
            One line per transaction: charge point, connector, idTag pseudonym, owner backend, start, stop, \
            meter start and stop (Wh), energy (kWh) and stop reason. Reads the store while the gateway runs.
            """)

    @Option(name: .long, help: ArgumentHelp("The store, `sqlite:PATH`.", valueName: "sqlite:PATH"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("The gateway config whose `store` to read.", valueName: "gateway.yaml"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Only sessions charging at or after this RFC 3339 time (stopped then or later, or open).",
                                            valueName: "RFC3339"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only this charge point's sessions.", valueName: "ID"))
    var chargePoint: String?

    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: TransactionReport.Format = .table

    func validate() throws {
        if (store == nil) == (config == nil) { throw ValidationError("give exactly one of `--store sqlite:PATH` and `--config gateway.yaml`") }
        if let store, GatewayConfig.StoreLocation(parsing: store) == nil {
            throw ValidationError("`--store` must be `sqlite:PATH`, found `\(store)`")
        }
        if let since, RFC3339Time.parse(since) == nil {
            throw ValidationError("`--since` must be an RFC 3339 time like 2027-01-31T00:00:00Z, found `\(since)`")
        }
    }

    func run() async throws {
        let location: GatewayConfig.StoreLocation
        if let store, let parsed = GatewayConfig.StoreLocation(parsing: store) {
            location = parsed
        } else {
            do {
                location = try GatewayConfig.load(path: config ?? "", environment: ProcessInfo.processInfo.environment).store
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(ToolOutput.Status.findings.rawValue)
            }
        }
        let query = TransactionQuery(since: since.flatMap(RFC3339Time.parse).map { Date(timeIntervalSince1970: $0) },
                                     chargePoint: chargePoint)
        do {
            let text = try await TransactionReport.render(store: location, query: query, format: format)
            FileHandle.standardOutput.write(Data(text.utf8))
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(ToolOutput.Status.findings.rawValue)
        }
    }
}
