import ArgumentParser
import Foundation

/// `chargemux compile FILE [--tree] [--config gateway.yaml]`.
struct CompileCommand: ParsableCommand {
    /// The command's name, abstract and help.
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a policy and print a summary, or its decision tree with --tree.")

    @Argument(help: ArgumentHelp("The policy file.", valueName: "file"))
    var file: String

    @Flag(help: "Print the decision tree: routes, permissions, owners and redactions.")
    var tree = false

    @OptionGroup var config: ConfigOption

    /// Compiles and prints; exits 1 when the policy has errors.
    func run() throws {
        try CompileTool(path: file, configPath: config.config, tree: tree,
                        environment: ProcessInfo.processInfo.environment).run().emit()
    }
}
