import ArgumentParser
import Foundation

/// `chargemux lint FILE... [--config gateway.yaml] [--format text|json|sarif] [--strict]`.
struct LintCommand: ParsableCommand {
    /// The command's name, abstract and help.
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check policy files and report every error and warning.",
        discussion: "Exits 0 when clean, 1 on errors (or on warnings with --strict), 2 on a usage error.")

    @Argument(help: ArgumentHelp("The policy files.", valueName: "file"))
    var files: [String]

    @OptionGroup var config: ConfigOption

    @Option(help: "Output format: text, json or sarif.")
    var format: LintFormat = .text

    @Flag(help: "Fail on warnings too.")
    var strict = false

    /// At least one file.
    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one policy file") }
    }

    /// Lints every file and exits with the lint status.
    func run() throws {
        try LintTool(files: files, configPath: config.config, format: format, strict: strict,
                     environment: ProcessInfo.processInfo.environment).run().emit()
    }
}
