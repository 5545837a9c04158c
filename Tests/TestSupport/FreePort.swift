import NIOCore
import NIOPosix

/// Why a test could not get what it needs from the machine.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
}

/// A loopback port nothing listens on now, below the system's ephemeral range (32768 and up on
/// Linux): a server stopped and started again on it (a backend, a restarted gateway) does not
/// find it handed to another socket, say a test's outgoing connection, in between. Tests of
/// several suites pick ports at the same time, so each candidate is bound once to check it.
public func freeListeningPort(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> Int {
    for _ in 0..<100 {
        let candidate = Int.random(in: 20_000..<32_000)
        let bootstrap = ServerBootstrap(group: group).serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        guard let channel = try? await bootstrap.bind(host: "127.0.0.1", port: candidate).get() else { continue }
        try await channel.close()
        return candidate
    }
    throw TestSupportError(description: "no free port below the ephemeral range after 100 tries")
}
