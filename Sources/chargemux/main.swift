import ArgumentParser

/// `chargemux`: the OCPP gateway and its dry-run policy tools.
struct Chargemux: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chargemux",
        abstract: "An OCPP gateway that connects each charge point to several backends, driven by a policy.",
        subcommands: [TestCommand.self])
}

Chargemux.main()
