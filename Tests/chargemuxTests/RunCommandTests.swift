import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `chargemux run` and `chargemux reload` as an operator uses them: a real process, real signals.
@Suite("chargemux run and reload", .timeLimit(.minutes(1)))
struct RunCommandTests {
    // Ports are drawn below Linux's ephemeral range (32768–60999), where no outgoing socket can
    // take them between a gateway's stop and its restart.

    /// A temporary site: a policy and a config whose backends are not running (the gateway
    /// starts anyway and keeps trying them).
    final class Site {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-run-\(UUID().uuidString)")
        var configPath: String { folder.appendingPathComponent("gateway.yaml").path }
        var policyPath: String { folder.appendingPathComponent("site.policy").path }

        init(port: Int) throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try writePolicy("route Heartbeat to gateway\nroute Authorize to billing\n")
            try """
                listen:
                  - { address: "127.0.0.1:\(port)", path: /ocpp, securityProfile: 1 }
                policy: site.policy
                chargePoints:
                  - { id: "CP-*", password: "run-test-password-0123" }
                backends:
                  - { name: billing, url: "ws://127.0.0.1:9/ocpp", securityProfile: 0 }
                """.write(toFile: configPath, atomically: true, encoding: .utf8)
        }

        func writePolicy(_ rules: String) throws {
            try ("policy \"run-test\" for ocpp 1.6\n" + rules).write(toFile: policyPath, atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(at: folder) }
    }

    /// Collects a process's standard error as it arrives.
    final class Output: @unchecked Sendable {
        // @unchecked: guarded by `lock`.
        private let lock = NSLock()
        private var text = ""

        func append(_ data: Data) { lock.withLock { text += String(decoding: data, as: UTF8.self) } }
        var value: String { lock.withLock { text } }

        /// Waits until `needle` has appeared `count` times, or the deadline passes.
        func waitFor(_ needle: String, count: Int = 1, seconds: Double = 15) async -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if value.components(separatedBy: needle).count - 1 >= count { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
    }

    @Test("run starts, reload takes a valid policy and refuses an invalid one, SIGTERM stops it")
    func runAndReload() async throws {
        let binary = try #require(ExecutableTests.executable, "build the executable first: `swift build`")
        let site = try Site(port: try await freeListeningPort())
        let (process, output) = try startWatched(binary, ["run", "--config", site.configPath])
        defer { if process.isRunning { process.terminate() } }

        #expect(await output.waitFor("gateway started"), "\(output.value)")
        #expect(FileManager.default.fileExists(atPath: site.folder.appendingPathComponent("chargemux.pid").path))

        try site.writePolicy("route Heartbeat to gateway\nroute Authorize, StartTransaction to billing\n")
        let reload = try runReload(site)
        #expect(reload == 0)
        #expect(await output.waitFor("policy reloaded"), "\(output.value)")

        try site.writePolicy("route Heartbeat to gateway\nroute Authorise to billing\n")
        #expect(try runReload(site) == 0)
        #expect(await output.waitFor("policy reload refused"), "\(output.value)")
        #expect(output.value.contains("error[E200]: unknown action `Authorise`"))
        #expect(process.isRunning)

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output.value)")
        #expect(!output.value.contains("run-test-password-0123"))
        #expect(!FileManager.default.fileExists(atPath: site.folder.appendingPathComponent("chargemux.pid").path))
    }

    @Test("run refuses to start on a policy error, naming file, line and column")
    func refusesBadPolicy() throws {
        let site = try Site(port: Int.random(in: 20_000..<32_000))
        try site.writePolicy("route Heartbeat to gateway\nroute Authorize to billling\n")
        let (status, _, text) = try ExecutableTests.run(["run", "--config", site.configPath], in: site.folder.path)
        #expect(status == 1)
        #expect(text.contains("site.policy:3:20: error[E205]: backend `billling` is not in the gateway config"), "\(text)")
        #expect(text.contains("did you mean `billing`?"))
    }

    @Test("run refuses to start when a TLS certificate file is unusable, naming the file")
    func refusesBadCertificate() throws {
        let site = try Site(port: Int.random(in: 20_000..<32_000))
        // No certificate is committed or made here: a file that is not one is refused the same way
        // an expired one is (GatewayTests check the expired message with its dates).
        let certificate = site.folder.appendingPathComponent("gateway.pem").path
        try "not a certificate\n".write(toFile: certificate, atomically: true, encoding: .utf8)
        try "not a key\n".write(toFile: site.folder.appendingPathComponent("gateway.key").path, atomically: true, encoding: .utf8)
        try """
            listen:
              - address: "127.0.0.1:\(Int.random(in: 20_000..<32_000))"
                securityProfile: 2
                tls: { certificate: gateway.pem, privateKey: gateway.key }
            policy: site.policy
            chargePoints:
              - { id: "CP-*", password: "run-test-password-0123" }
            backends:
              - { name: billing, url: "ws://127.0.0.1:9/ocpp", securityProfile: 0 }
            """.write(toFile: site.configPath, atomically: true, encoding: .utf8)
        let (status, _, text) = try ExecutableTests.run(["run", "--config", site.configPath], in: site.folder.path)
        #expect(status == 1)
        #expect(text.contains("gateway.pem: not a PEM certificate file"), "\(text)")
    }

    @Test("hash-password reads the password from stdin and prints a credentialsFile line")
    func hashPassword() throws {
        let binary = try #require(ExecutableTests.executable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["hash-password", "CP-0001", "--iterations", "1000"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("hash-me-Password-42\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.hasPrefix("CP-0001:pbkdf2-sha256:1000:"), "\(text)")
        #expect(!text.contains("hash-me-Password-42"))
        #expect(text.split(separator: ":").count == 5)
    }

    private func runReload(_ site: Site) throws -> Int32 {
        try ExecutableTests.run(["reload", "--config", site.configPath]).status
    }
}
