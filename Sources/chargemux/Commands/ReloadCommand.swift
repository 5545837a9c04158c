import ArgumentParser
import Foundation
import Gateway

#if canImport(Glibc)
import Glibc
#endif

/// `chargemux reload --config gateway.yaml`: tells the running gateway to re-read its policy and
/// its TLS certificates and keys.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Make the running gateway re-read its policy and certificates (the same as sending it SIGHUP).",
        discussion: """
            Lint the policy first: an invalid policy is refused by the gateway, which keeps the running one \
            and logs the diagnostics. Certificates and keys are re-read too: new connections use the new \
            ones; an unreadable or expired file is logged and the running ones stay.
            """)

    @Option(name: .long, help: ArgumentHelp("The running gateway's config; its pid file is beside it.",
                                            valueName: "gateway.yaml"))
    var config: String

    func run() throws {
        do {
            try PIDFile(configPath: config).signalRunningGateway(SIGHUP)
            print("asked the gateway to reload its policy and certificates; its log says whether it took the new ones")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(ToolOutput.Status.findings.rawValue)
        }
    }
}
