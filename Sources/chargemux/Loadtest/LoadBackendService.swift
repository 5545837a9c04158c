import Foundation
import Logging
import NIOCore
import NIOPosix
import OCPP
import UnixSignals

/// `chargemux loadtest --serve-backends 9001,9002,9003`: the load test's simulated backends in a
/// process of their own, so that their sockets count against this process's open-file limit and
/// not the load generator's. They serve until SIGTERM or SIGINT (or `seconds`), answering the
/// ``LoadControl`` queries of a load test run with `--external-backends`.
struct LoadBackendService {
    /// What the backends got, printed when the service stops.
    struct Summary {
        var ports: [Int]
        var connected: [Int]
        var calls: [Int]

        var json: JSONValue {
            .object(JSONObject(ports.indices.map { index in
                (key: String(ports[index]), value: ["connected": .integer(connected[index]), "calls": .integer(calls[index])])
            }))
        }

        var text: String {
            ports.indices.map { "backend 127.0.0.1:\(ports[$0]): \(calls[$0]) calls, \(connected[$0]) connected at the end" }
                .joined(separator: "\n")
        }
    }

    let ports: [Int]
    let seconds: Double
    let threads: Int?

    func run() async throws -> Summary {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads ?? System.coreCount))
        var logger = Logger(label: "chargemux.loadtest.backends")
        logger.logLevel = .critical
        let servers: LoadBackendServers
        do {
            servers = try await LoadBackendServers.start(ports: ports, eventLoopGroup: group, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        FileHandle.standardError.write(Data(("backends listening on \(ports.map { "127.0.0.1:\($0)" }.joined(separator: ", "))"
            + String(format: "; serving until SIGTERM or SIGINT (at most %.0f s)\n", seconds)).utf8))
        let seconds = self.seconds
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) { break }
            }
            tasks.addTask { try? await Task.sleep(for: .seconds(seconds)) }
            await tasks.next()
            tasks.cancelAll()
        }
        let summary = Summary(ports: ports, connected: (try? await servers.connectedCounts()) ?? ports.map { _ in 0 },
                              calls: (try? await servers.totalCalls()) ?? ports.map { _ in 0 })
        await servers.shutdown()
        try? await group.shutdownGracefully()
        return summary
    }
}
