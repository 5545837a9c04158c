import Foundation
import Gateway
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("pid file")
struct PIDFileTests {
    @Test("it sits beside the config, names this process, and signals it")
    func roundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-pid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = PIDFile(configPath: folder.appendingPathComponent("gateway.yaml").path)
        #expect(file.path == folder.path + "/chargemux.pid")
        #expect(throws: PIDFile.SignalError.self) { try file.signalRunningGateway(SIGUSR2) }
        try file.writeCurrentProcess()
        #expect(file.readPID() == getpid())
        // Signal 0 checks that the process exists without disturbing it.
        try file.signalRunningGateway(0)
        file.removeIfCurrentProcess()
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test("a stale pid is reported, not signalled")
    func stale() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-\(UUID().uuidString).pid").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "999999999\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try PIDFile(path: path).signalRunningGateway(0)
        } throws: { error in
            (error as? PIDFile.SignalError)?.description.contains("is gone") == true
        }
    }
}
