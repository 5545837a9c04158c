import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import TestSupport

/// `chargemux run` under a low open-file limit (`ulimit -n 64`), as an operator would meet it:
/// out of descriptors it neither dies nor spins, counts what it could not accept, and refuses the
/// charge points it has no room for with 503, while the ones it has room for connect.
@Suite("chargemux run at the open-file limit", .timeLimit(.minutes(1)))
struct OpenFileLimitTests {
    static let password = "fd-test-password-0123"

    /// What a raw connection received until now.
    final class RawConnection: @unchecked Sendable {
        // @unchecked: `received` is locked; `channel` is set once.
        let received = NIOLockedValueBox<[UInt8]>([])
        var channel: (any Channel)?

        var text: String { String(decoding: received.withLockedValue { $0 }, as: UTF8.self) }

        static func open(port: Int, request: String?) async throws -> RawConnection {
            let connection = RawConnection()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(Collector(received: connection.received))
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            connection.channel = channel
            if let request { try await channel.writeAndFlush(channel.allocator.buffer(string: request)) }
            return connection
        }

        /// The status line of the answer, once its head is complete.
        func statusLine(timeout: Double = 10) async throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let text = self.text
                // "\r\n" is one Character in Swift: split on the string.
                if text.contains("\r\n\r\n") { return text.components(separatedBy: "\r\n")[0] }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw CancellationError()
        }

        func close() async { try? await channel?.close() }

        private final class Collector: ChannelInboundHandler, @unchecked Sendable {
            typealias InboundIn = ByteBuffer
            let received: NIOLockedValueBox<[UInt8]>
            init(received: NIOLockedValueBox<[UInt8]>) { self.received = received }
            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                let buffer = unwrapInboundIn(data)
                received.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
            }
            func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
        }
    }

    static func upgrade(_ id: String, port: Int) -> String {
        let credentials = Data("\(id):\(password)".utf8).base64EncodedString()
        return "GET /ocpp/\(id) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n"
            + "Authorization: Basic \(credentials)\r\n\r\n"
    }

    /// The process's CPU time in seconds (utime + stime).
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    @Test("ulimit -n 64: accept pauses on EMFILE without spinning, then 8 charge points of 1 + 3 sockets get in and the 9th gets 503")
    func lowLimit() async throws {
        let binary = try #require(ExecutableTests.executable, "build the executable first: `swift build`")
        let port = try await freeListeningPort()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-fd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "policy \"fd\" for ocpp 1.6\nbackends b1, b2, b3\nroute Heartbeat to all\n"
            .write(to: folder.appendingPathComponent("site.policy"), atomically: true, encoding: .utf8)
        // Three backends where nothing listens: each charge point's links keep trying them.
        let config = folder.appendingPathComponent("gateway.yaml").path
        try """
            listen:
              - { address: "127.0.0.1:\(port)", path: /ocpp, securityProfile: 1 }
            policy: site.policy
            chargePoints:
              - { id: "CP-*", password: "\(Self.password)" }
            backends:
              - { name: b1, url: "ws://127.0.0.1:9/ocpp", securityProfile: 0 }
              - { name: b2, url: "ws://127.0.0.1:9/ocpp", securityProfile: 0 }
              - { name: b3, url: "ws://127.0.0.1:9/ocpp", securityProfile: 0 }
            """.write(toFile: config, atomically: true, encoding: .utf8)

        // `ulimit -n` sets the hard limit too, so the gateway cannot raise it back.
        let (process, output) = try startWatched("/bin/sh", ["-c", "ulimit -n 64 && exec \"$0\" run --config \"$1\"", binary, config])
        defer { if process.isRunning { process.terminate() } }
        #expect(await output.waitFor("gateway started"), "\(output.value)")
        #expect(output.value.contains("chargePointCapacity=8"), "\(output.value)")

        // 1. More connections than descriptors, none of them saying anything.
        var idle: [RawConnection] = []
        for _ in 0..<80 { idle.append(try await RawConnection.open(port: port, request: nil)) }
        try await Task.sleep(for: .seconds(1))
        let before = try #require(Self.cpuSeconds(process.processIdentifier))
        try await Task.sleep(for: .seconds(2))
        let after = try #require(Self.cpuSeconds(process.processIdentifier))
        #expect(process.isRunning)
        #expect(after - before < 0.5, "the gateway used \(after - before) s of CPU in 2 s while out of descriptors")
        #expect(await output.waitFor("at the open-file limit"), "\(output.value)")
        for connection in idle { await connection.close() }
        try await Task.sleep(for: .seconds(1))

        // 2. Room for 8 charge points with 3 backends each: the 9th is refused cleanly.
        var admitted: [RawConnection] = []
        for index in 1...8 {
            let connection = try await RawConnection.open(port: port, request: Self.upgrade("CP-\(index)", port: port))
            #expect(try await connection.statusLine() == "HTTP/1.1 101 Switching Protocols", "CP-\(index): \(connection.text)")
            admitted.append(connection)
        }
        let ninth = try await RawConnection.open(port: port, request: Self.upgrade("CP-9", port: port))
        #expect(try await ninth.statusLine() == "HTTP/1.1 503 Service Unavailable", "\(ninth.text)")
        #expect(ninth.text.contains("Retry-After: 60\r\n"))
        #expect(process.isRunning)

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output.value)")
        let stopped = output.value.split(separator: "\n").first { $0.contains("gateway stopped") }.map(String.init) ?? ""
        #expect(stopped.contains("refusedAtLimit=1"), "\(output.value)")
        #expect(!stopped.contains("acceptFailures=0 "), "\(output.value)")
        for connection in admitted { await connection.close() }
        await ninth.close()
    }
}
