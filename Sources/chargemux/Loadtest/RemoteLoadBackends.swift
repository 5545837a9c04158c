import Logging
import NIOCore

/// The load test's backends when they run in a process of their own (`chargemux loadtest
/// --serve-backends`): everything is asked over one ``LoadControlClient`` per backend.
final class RemoteLoadBackends: LoadBackendView {
    let ports: [Int]
    private let clients: [LoadControlClient]

    private init(ports: [Int], clients: [LoadControlClient]) {
        self.ports = ports
        self.clients = clients
    }

    /// Connects to each backend; throws ``LoadtestFailure`` when one does not answer within
    /// `timeout` seconds.
    static func connect(ports: [Int], eventLoopGroup: any EventLoopGroup, logger: Logger,
                        timeout: Double) async throws -> RemoteLoadBackends {
        var clients: [LoadControlClient] = []
        do {
            for port in ports {
                let client = try LoadControlClient(port: port, eventLoop: eventLoopGroup.next(), logger: logger)
                clients.append(client)
                try await client.start(timeout: timeout)
                // A backend of the load test answers `connected`; anything else listening there does not.
                _ = try await client.query("connected", timeout: timeout)
            }
        } catch {
            for client in clients { await client.stop() }
            throw error
        }
        return RemoteLoadBackends(ports: ports, clients: clients)
    }

    func connectedCounts() async throws -> [Int] {
        var counts: [Int] = []
        for client in clients { counts.append(Int(try await client.query("connected")) ?? 0) }
        return counts
    }

    func records(of chargePoints: [String]) async throws -> [[String: BackendTally.ChargePointRecord]] {
        var all: [[String: BackendTally.ChargePointRecord]] = []
        for client in clients {
            var records: [String: BackendTally.ChargePointRecord] = [:]
            var start = 0
            while start < chargePoints.count {
                let batch = chargePoints[start..<min(chargePoints.count, start + LoadControl.recordsBatch)]
                let data = try await client.query("records", data: batch.joined(separator: ","))
                guard let part = LoadControl.records(from: data) else {
                    throw LoadtestFailure(description: "the backend process on 127.0.0.1:\(client.port) sent malformed records")
                }
                records.merge(part) { _, new in new }
                start += LoadControl.recordsBatch
            }
            all.append(records)
        }
        return all
    }

    func totalCalls() async throws -> [Int] {
        var totals: [Int] = []
        for client in clients { totals.append(Int(try await client.query("calls")) ?? 0) }
        return totals
    }

    func shutdown() async {
        for client in clients { await client.stop() }
    }
}
