import ArgumentParser
import Foundation

/// `chargemux explain FILE (--from CP-ID | --backend NAME [--charge-point CP-ID]) --message FRAME ...`.
struct ExplainCommand: ParsableCommand {
    /// The command's name, abstract and help.
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain how a policy handles one OCPP call, rule by rule.",
        discussion: """
            With --from, the call comes from that charge point: shows the owner, the route rules, \
            the targets, who answers and what each backend receives. With --backend, the call goes \
            from that backend to a charge point: shows whether it is allowed and by which rule.
            """)

    @Argument(help: ArgumentHelp("The policy file.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The charge point that sends the call.", valueName: "cp-id"))
    var from: String?

    @Option(help: ArgumentHelp("The backend that sends the call.", valueName: "name"))
    var backend: String?

    @Option(help: ArgumentHelp("The charge point a backend's call goes to.", valueName: "cp-id"))
    var chargePoint: String?

    @Option(help: ArgumentHelp("The OCPP-J call, e.g. '[2,\"1\",\"Heartbeat\",{}]'.", valueName: "frame"))
    var message: String

    @Option(help: ArgumentHelp("The owner backend of the call's transaction.", valueName: "backend"))
    var owner: String?

    @OptionGroup var config: ConfigOption

    @Option(help: ArgumentHelp("The key for `hash` pseudonyms (default: the config's, else a fixed test key).",
                               valueName: "key"))
    var hashKey: String?

    @Option(help: "Output format: text or json.")
    var format: ExplainFormat = .text

    private var tool: ExplainTool {
        ExplainTool(path: file, configPath: config.config, from: from, backend: backend, chargePoint: chargePoint,
                    message: message, owner: owner, hashKey: hashKey, format: format,
                    environment: ProcessInfo.processInfo.environment)
    }

    /// Exactly one of `--from` and `--backend`; `--charge-point` only with `--backend`.
    func validate() throws {
        do { try tool.checkDirection() } catch { throw ValidationError(error.message) }
    }

    /// Explains the call; exits 2 on a bad frame or an unknown backend.
    func run() throws { try tool.run().emit() }
}
