import Foundation

/// The `chargemux` binary built beside the test bundle, else in `.build/debug`.
var chargemuxExecutable: String? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    let candidates: [String?] = [
        Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("chargemux").path,
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("chargemux").path,
        root + "/.build/debug/chargemux",
    ]
    return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Runs `executable` with `arguments` (in `directory`, if given) to its end; returns its exit
/// status and output.
func runToExit(_ executable: String, _ arguments: [String], in directory: String? = nil) throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}
