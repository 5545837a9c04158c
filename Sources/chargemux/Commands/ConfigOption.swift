import ArgumentParser

/// `--config gateway.yaml`, shared by the dry-run commands.
struct ConfigOption: ParsableArguments {
    /// The gateway config's path, if given.
    @Option(name: .long, help: ArgumentHelp("A gateway config; the policy may then name only its backends.",
                                            valueName: "gateway.yaml"))
    var config: String?
}
