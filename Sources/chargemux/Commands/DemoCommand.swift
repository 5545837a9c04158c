import ArgumentParser
import Foundation

/// `chargemux demo`: a newcomer's first command. Runs the Linking World site in one process and
/// narrates what the gateway does with each message, and why.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "See the gateway at work: four simulated backends, the gateway and a charge point, narrated.",
        discussion: """
            Starts, on loopback ports the system picks, simulated backends billing, fleet, ems and visitors, \
            the gateway with the example's policy and a simulated charge point CP-1, then plays the example's \
            story: boot, a fleet car, an employee and a visitor charge, the EMS sets a charging profile and is \
            refused a remote stop, and the fleet backend drops and returns. Every step is checked against the \
            policy; exits 1 if anything deviates. Needs no configuration and no environment variables.
            """)

    @Option(name: .long, help: ArgumentHelp("The example's folder (site.policy and its lists).", valueName: "dir"))
    var policyDir: String = "Examples/linking-world"

    @Flag(name: .long, help: "Print only the summary.")
    var quiet = false

    func run() async throws {
        let printer = LinePrinter()
        let demo = Demo(options: Demo.Options(policyDirectory: policyDir, quiet: quiet), output: { printer.print($0) })
        let result = await demo.run()
        if !result.succeeded { throw ExitCode(ToolOutput.Status.findings.rawValue) }
    }
}
