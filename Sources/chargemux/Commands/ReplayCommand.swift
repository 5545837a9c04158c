import ArgumentParser
import Foundation

/// `chargemux replay FILE CAPTURE.jsonl [--config gateway.yaml] [--format table|json]`.
struct ReplayCommand: ParsableCommand {
    /// The command's name, abstract and help.
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a capture of OCPP traffic through a policy and count what each backend would get.",
        discussion: "Exits 1 when a line of the capture could not be replayed.")

    @Argument(help: ArgumentHelp("The policy file.", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("The capture: one JSON object per line.", valueName: "capture.jsonl"))
    var capture: String

    @OptionGroup var config: ConfigOption

    @Option(help: "Output format: table or json.")
    var format: ReplayFormat = .table

    /// Replays the capture and prints the report.
    func run() throws {
        try ReplayTool(path: file, capturePath: capture, configPath: config.config, format: format,
                       environment: ProcessInfo.processInfo.environment).run().emit()
    }
}
