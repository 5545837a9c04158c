import Foundation

/// Starts `executable` with `arguments` (and `environment` added to this process's), its
/// standard error collected as it arrives: for tests that wait for a gateway's log lines.
func startWatched(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws
    -> (process: Process, output: RunCommandTests.Output)
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
    }
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = Pipe()
    let output = RunCommandTests.Output()
    errors.fileHandleForReading.readabilityHandler = { output.append($0.availableData) }
    try process.run()
    return (process, output)
}
