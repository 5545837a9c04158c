import ArgumentParser
import Foundation

/// `chargemux`: the OCPP gateway and its dry-run policy tools.
///
/// Exit codes: 0 ok, 1 findings or failure, 2 usage error.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
struct Chargemux: AsyncParsableCommand {
    /// The root command and its subcommands.
    static let configuration = CommandConfiguration(
        commandName: "chargemux",
        abstract: "An OCPP gateway that connects each charge point to several backends, driven by a policy.",
        discussion: "Exit codes: 0 ok, 1 findings or failure, 2 usage error.",
        subcommands: [
            RunCommand.self, ReloadCommand.self, HashPasswordCommand.self, DemoCommand.self, SimulateCommand.self,
            LintCommand.self, CompileCommand.self, ExplainCommand.self, ReplayCommand.self, TestCommand.self,
            SessionsCommand.self, StoreSelftestCommand.self, SoakCommand.self, LoadtestCommand.self,
        ])

    /// Runs the command line, with usage errors exiting 2 instead of ArgumentParser's 64.
    static func runCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            exit(withError: code)
        } catch {
            guard exitStatus(for: error) == ToolOutput.Status.usage.rawValue else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode(ToolOutput.Status.usage.rawValue))
        }
    }

    /// The process exit status for an error a command threw or the parser reported: 2 for every
    /// usage error (unknown option, missing argument, failed validation), else ArgumentParser's code.
    static func exitStatus(for error: Error) -> Int32 {
        if error is UsageError { return ToolOutput.Status.usage.rawValue }
        let code = exitCode(for: error)
        return code == .validationFailure ? ToolOutput.Status.usage.rawValue : code.rawValue
    }
}

await Chargemux.runCommandLine()
