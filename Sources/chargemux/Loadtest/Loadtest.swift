import Foundation
import Gateway
import Histogram
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OCPP

/// `chargemux loadtest`: simulated backends on loopback ports, simulated charge points driving a
/// realistic mix of OCPP 1.6 calls at a target, latency per action and a check that every
/// message reached every backend it should have.
///
/// The charge points are event loop callbacks, not tasks: each loop owns its share of them, of
/// the window and of the rate, and sends a charge point's next call from the callback that
/// delivered its answer.
final class Loadtest: @unchecked Sendable {
    // @unchecked: `run()` is called once; the shared state is in the loops (each on its own
    // event loop) and the tallies (locked).
    let options: LoadtestOptions
    private let progress: @Sendable (String) -> Void

    init(options: LoadtestOptions, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.options = options
        self.progress = progress
    }

    /// Checks the options: loopback only, sensible numbers.
    static func validate(_ options: LoadtestOptions) throws {
        let scheme = options.target.scheme?.lowercased()
        guard scheme == "ws" else {
            throw LoadtestUsageError(description: "--target must be a ws:// URL (got \(options.target.absoluteString))")
        }
        guard let host = options.target.host, LoadtestOptions.isLoopback(host) else {
            throw LoadtestUsageError(description: "--target must be on loopback (127.0.0.1); refusing \(options.target.absoluteString)")
        }
        guard !options.backendPorts.isEmpty, options.backendPorts.allSatisfy({ (1...65535).contains($0) }),
              Set(options.backendPorts).count == options.backendPorts.count else {
            throw LoadtestUsageError(description: "--backends must be distinct ports 1-65535, e.g. 9001,9002")
        }
        guard options.chargePoints >= 1, options.chargePoints <= 100_000 else {
            throw LoadtestUsageError(description: "--charge-points must be 1-100000")
        }
        guard options.window >= 1 else { throw LoadtestUsageError(description: "--window must be at least 1") }
        guard options.threads >= 1, options.threads <= 64 else { throw LoadtestUsageError(description: "--threads must be 1-64") }
        if let messages = options.messages, messages < 1 { throw LoadtestUsageError(description: "--messages must be at least 1") }
        if let rate = options.rate, !(rate > 0) { throw LoadtestUsageError(description: "--rate must be positive") }
        guard options.duration > 0, options.duration <= 24 * 3600 else {
            throw LoadtestUsageError(description: "--duration must be positive and at most 24h")
        }
        guard options.interval > 0, options.interval <= 24 * 3600 else {
            throw LoadtestUsageError(description: "--interval must be positive and at most 24h")
        }
    }

    func run() async throws -> LoadtestReport {
        try Self.validate(options)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.threads))
        var logger = Logger(label: "chargemux.loadtest")
        logger.logLevel = .critical
        var backends: (any LoadBackendView)?
        var loops: [LoadLoop] = []
        do {
            let report = try await run(group: group, logger: logger, backends: &backends, loops: &loops)
            await shutdown(group: group, backends: backends, loops: loops)
            return report
        } catch {
            await shutdown(group: group, backends: backends, loops: loops)
            throw error
        }
    }

    private func shutdown(group: MultiThreadedEventLoopGroup, backends: (any LoadBackendView)?, loops: [LoadLoop]) async {
        for loop in loops {
            let connectors = (try? await loop.eventLoop.submit { loop.chargePoints.compactMap(\.connector) }.get()) ?? []
            for connector in connectors { connector.stop() }
            for connector in connectors { _ = try? await connector.stop().get() }
        }
        await backends?.shutdown()
        try? await group.shutdownGracefully()
    }

    private func run(group: MultiThreadedEventLoopGroup, logger: Logger, backends: inout (any LoadBackendView)?,
                     loops: inout [LoadLoop]) async throws -> LoadtestReport {
        // The backends: here, or in a `--serve-backends` process.
        let hops = options.externalBackends
            ? nil : LoadHops(chargePoints: (0..<options.chargePoints).map(LoadtestOptions.chargePointId))
        let served: LoadBackendServers?
        let view: any LoadBackendView
        let listing = options.backendPorts.map { "127.0.0.1:\($0)" }.joined(separator: ", ")
        if options.externalBackends {
            view = try await RemoteLoadBackends.connect(ports: options.backendPorts, eventLoopGroup: group, logger: logger,
                                                        timeout: 10)
            served = nil
            progress("asking the backends on \(listing) (another process) what they get")
        } else {
            let servers = try await LoadBackendServers.start(ports: options.backendPorts, eventLoopGroup: group, logger: logger,
                                                             hops: hops)
            view = servers
            served = servers
            progress("backends listening on \(listing)")
        }
        backends = view

        // The charge points, spread over the loops; every loop gets at least one call of the window.
        let loopCount = min(options.threads, options.chargePoints, options.window)
        let connectedCount = NIOLockedValueBox(0)
        let budget = options.messages ?? Int.max
        for number in 0..<loopCount {
            let share = { (total: Int) in total / loopCount + (number < total % loopCount ? 1 : 0) }
            loops.append(LoadLoop(
                eventLoop: group.next(), window: share(options.window),
                budget: budget == Int.max ? Int.max : share(budget),
                rate: options.rate.map { $0 / Double(loopCount) }, callTimeout: options.callTimeout,
                connectedCount: connectedCount, profile: options.profile, interval: options.interval, hops: hops))
        }
        let connectStarted = ContinuousClock.now
        var ids: [String] = []
        for index in 0..<options.chargePoints {
            let loop = loops[index % loopCount]
            let id = LoadtestOptions.chargePointId(index)
            ids.append(id)
            let target = GatewayConfig.Backend(
                name: "target", url: options.target, ocppVersion: .v16,
                securityProfile: options.password == nil ? .unsecured : .basicAuth,
                password: options.password.map { Secret($0) })
            let connectorOptions = BackendConnector.Options(
                backoff: Backoff(base: .milliseconds(200), cap: .seconds(2)), connectTimeout: .seconds(10),
                handshakeTimeout: .seconds(10), closeTimeout: .seconds(2))
            try await loop.eventLoop.submit {
                let chargePoint = LoadChargePoint(id: id, index: loop.chargePoints.count, loop: loop)
                loop.add(chargePoint)
                let connector = try BackendConnector(
                    backend: target, chargePointId: id, version: .v16, eventLoop: loop.eventLoop, options: connectorOptions,
                    logger: logger)
                connector.setDelegate(chargePoint)
                chargePoint.connector = connector
                connector.start()
            }.get()
            // Not all at once: the listeners' accept backlogs are finite.
            if index % 200 == 199 { try await Task.sleep(for: .milliseconds(20)) }
        }
        progress("connecting \(options.chargePoints) charge points to \(options.target.absoluteString)/{id}")

        // Wait for the charge points, and for their links to the backends that should see them.
        let expectedCount = options.expect == .all ? options.backendPorts.count : 1
        let setupDeadline = ContinuousClock.now + .seconds(options.connectTimeout)
        var connectSeconds: Double?
        var linkSeconds: Double?
        while ContinuousClock.now < setupDeadline {
            let connected = connectedCount.withLockedValue { $0 }
            if connected >= options.chargePoints, connectSeconds == nil {
                connectSeconds = Self.seconds(ContinuousClock.now - connectStarted)
            }
            if connectSeconds != nil {
                let linked = try await view.connectedCounts().prefix(expectedCount).allSatisfy { $0 >= options.chargePoints }
                if linked {
                    linkSeconds = Self.seconds(ContinuousClock.now - connectStarted)
                    break
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let connectedAtStart = connectedCount.withLockedValue { $0 }
        let timing = linkSeconds.map { String(format: " in %.2f s (links to the backends included)", $0) } ?? ""
        progress("\(connectedAtStart) of \(options.chargePoints) connected\(timing); sending for up to \(options.duration) s")

        // Traffic.
        let started = ContinuousClock.now
        for loop in loops {
            let duration = options.duration
            try await loop.eventLoop.submit { loop.start(duration: duration) }.get()
        }
        let callsUntil = started + .seconds(options.duration)
        let backendCalls = Task { () -> [String: CallStats] in
            // Backend calls need the backend in this process; an idle site gets none.
            guard let first = served?.servers.first, options.profile == .mix else { return [:] }
            return await self.backendCalls(from: first, to: ids, until: callsUntil)
        }
        // Until every loop stopped sending and its calls came back (or the drain time is over).
        let drainDeadline = started + .seconds(options.duration + options.callTimeout + 1)
        while ContinuousClock.now < drainDeadline {
            var busy = false
            for loop in loops {
                let state = try await loop.eventLoop.submit { (loop.running, loop.inFlight) }.get()
                if state.0 || state.1 > 0 { busy = true }
            }
            if !busy { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let seconds = Self.seconds(ContinuousClock.now - started)
        progress("traffic over after \(String(format: "%.1f", seconds)) s; checking delivery")
        backendCalls.cancel()
        let backendStats = await backendCalls.value
        var stats = [CallStats](repeating: CallStats(), count: LoadAction.allCases.count)
        var hopStats = LoadHops.Stats()
        var disconnects = 0
        var delivered: [String: (markers: [(marker: Int, action: LoadAction)], heartbeats: Int)] = [:]
        for loop in loops {
            let part = try await loop.eventLoop.submit {
                loop.finish()
                return (loop.stats, loop.disconnects, loop.chargePoints.map { ($0.id, $0.delivered, $0.heartbeats) },
                        loop.hopStats)
            }.get()
            for (index, action) in part.0.enumerated() { stats[index].add(action) }
            hopStats.add(part.3)
            disconnects += part.1
            for (id, markers, heartbeats) in part.2 { delivered[id] = (markers, heartbeats) }
        }

        // Let the copies that trail the answers arrive, then compare.
        let settleDeadline = Date().addingTimeInterval(3)
        var undelivered: [Int: Int] = [:]
        var records: [[String: BackendTally.ChargePointRecord]] = []
        repeat {
            records = try await view.records(of: ids)
            undelivered = Dictionary(uniqueKeysWithValues: zip(options.backendPorts, records).prefix(expectedCount).map {
                ($0.0, Self.missing(in: $0.1, delivered: delivered))
            })
            if undelivered.values.allSatisfy({ $0 == 0 }) { break }
            try await Task.sleep(for: .milliseconds(100))
        } while Date() < settleDeadline
        let unexpected = try await view.totalCalls().dropFirst(expectedCount).reduce(0, +)
        let wrongIds = records.reduce(0) { total, records in total + records.values.reduce(0) { $0 + $1.wrongTransactionIds } }

        return LoadtestReport(
            options: options, seconds: seconds, connected: connectedAtStart, actions: stats, backendCalls: backendStats,
            disconnects: disconnects, undeliveredByBackend: undelivered, unexpected: unexpected, wrongTransactionIds: wrongIds,
            connectSeconds: connectSeconds, linkSeconds: linkSeconds, hops: hops == nil ? nil : hopStats)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Calls a backend should have got and did not, given its `records` per charge point.
    static func missing(in records: [String: BackendTally.ChargePointRecord],
                        delivered: [String: (markers: [(marker: Int, action: LoadAction)], heartbeats: Int)]) -> Int {
        var missing = 0
        for (chargePoint, sent) in delivered {
            let record = records[chargePoint]
            for item in sent.markers where record?.markers.contains(item.marker) != true { missing += 1 }
            missing += max(0, sent.heartbeats - (record?.heartbeats ?? 0))
        }
        return missing
    }

    /// The first backend's calls to the charge points, now and then: GetConfiguration and
    /// TriggerMessage in turn, one at a time, until `deadline` (or cancellation).
    private func backendCalls(from server: SimulatedBackendServer, to ids: [String],
                              until deadline: ContinuousClock.Instant) async -> [String: CallStats] {
        var stats: [String: CallStats] = [:]
        guard options.backendCallsPerSecond > 0 else { return stats }
        let interval = Duration.milliseconds(Int(1000 / options.backendCallsPerSecond))
        var next = 0
        var turn = 0
        while ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard ContinuousClock.now < deadline, !Task.isCancelled else { break }
            let connected = Set(server.connectedChargePoints)
            guard !connected.isEmpty else { continue }
            var id = ids[next % ids.count]
            for _ in 0..<ids.count where !connected.contains(id) {
                next += 1
                id = ids[next % ids.count]
            }
            next += 1
            turn += 1
            let (action, payload): (String, JSONValue) = turn % 2 == 1
                ? ("GetConfiguration", ["key": ["HeartbeatInterval"]])
                : ("TriggerMessage", ["requestedMessage": "StatusNotification", "connectorId": 1])
            let sentAt = LoadLoop.now()
            do {
                let answer = try await server.call(action, payload: payload, to: id, timeout: options.callTimeout)
                if case .callResult = answer {
                    stats[action, default: CallStats()].answered += 1
                    _ = stats[action]!.latency.record(max(1, (LoadLoop.now() &- sentAt) / 1000))
                } else {
                    stats[action, default: CallStats()].callErrors += 1
                }
            } catch SimulatorError.timedOut {
                stats[action, default: CallStats()].timeouts += 1
            } catch {
                stats[action, default: CallStats()].dropped += 1
            }
        }
        return stats
    }
}

/// The load test could not run (a port taken, ...).
struct LoadtestFailure: Error, CustomStringConvertible {
    let description: String
}
