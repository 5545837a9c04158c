import ArgumentParser
import Foundation
import Gateway

#if canImport(Glibc)
import Glibc
#endif

/// `chargemux reload --config gateway.yaml`: tells the running gateway to re-read its policy.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Make the running gateway re-read its policy (the same as sending it SIGHUP).",
        discussion: """
            Lint the policy first: an invalid policy is refused by the gateway, which keeps the running one \
            and logs the diagnostics.
            """)

    @Option(name: .long, help: ArgumentHelp("The running gateway's config; its pid file is beside it.",
                                            valueName: "gateway.yaml"))
    var config: String

    func run() throws {
        do {
            try PIDFile(configPath: config).signalRunningGateway(SIGHUP)
            print("asked the gateway to reload its policy; its log says whether it took the new one")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(ToolOutput.Status.findings.rawValue)
        }
    }
}
