import ArgumentParser

/// `chargemux simulate`: simulated peers for trying the gateway (or any OCPP 1.6 endpoint) by hand.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated OCPP backend or charge point.",
        subcommands: [SimulateBackendCommand.self, SimulateChargePointCommand.self])
}
