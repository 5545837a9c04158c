import Foundation
import Gateway
import Histogram
import Logging
import NIOConcurrencyHelpers
import NIOCore
import OCPP

/// Latencies and outcomes of one kind of call.
struct CallStats: Sendable {
    /// Microseconds, 1 µs to 60 s.
    var latency = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000,
                                    numberOfSignificantValueDigits: .three)
    var answered = 0
    var callErrors = 0
    var timeouts = 0
    /// Calls lost when the connection dropped.
    var dropped = 0

    mutating func add(_ other: CallStats) {
        latency.add(other.latency)
        answered += other.answered
        callErrors += other.callErrors
        timeouts += other.timeouts
        dropped += other.dropped
    }
}

/// The charge points on one event loop and what drives them: the loop's share of the window,
/// of the message budget and of the rate. Everything here runs on `eventLoop` (event loop
/// callbacks, no task per message); the orchestrator reads it through `eventLoop.submit`.
final class LoadLoop: @unchecked Sendable {
    // @unchecked: every mutable member is touched only on `eventLoop`.
    let eventLoop: any EventLoop
    private(set) var chargePoints: [LoadChargePoint] = []
    /// Charge points connected and without a call in flight.
    private var idle = CircularBuffer<Int>()
    private(set) var inFlight = 0
    private let window: Int
    private var remaining: Int
    /// Calls per second for this loop, or `nil`.
    private let rate: Double?
    private var sent = 0
    private var startNanos: UInt64 = 0
    private var stopNanos: UInt64 = 0
    private(set) var running = false
    private var ticker: RepeatedTask?
    private var timeoutChecker: RepeatedTask?
    private let callTimeoutNanos: UInt64
    /// Rate mode: calls that are due.
    private var allowance = 0
    /// What the charge points send.
    let profile: LoadProfile
    /// `idle`: nanoseconds between a charge point's calls (half the interval).
    private let idleSpacingNanos: UInt64
    private var idleTicker: RepeatedTask?
    var stats = [CallStats](repeating: CallStats(), count: LoadAction.allCases.count)
    /// The two hops of each answered call (``LoadHops``), when the backends run in this process.
    var hopStats = LoadHops.Stats()
    let hops: LoadHops?
    var disconnects = 0
    let connectedCount: NIOLockedValueBox<Int>

    init(eventLoop: any EventLoop, window: Int, budget: Int, rate: Double?, callTimeout: Double,
         connectedCount: NIOLockedValueBox<Int>, profile: LoadProfile = .mix, interval: Double = 60,
         hops: LoadHops? = nil) {
        self.eventLoop = eventLoop
        self.hops = hops
        self.profile = profile
        self.idleSpacingNanos = max(1, UInt64(interval * 1e9 / 2))
        self.window = max(1, window)
        self.remaining = budget
        self.rate = rate
        self.callTimeoutNanos = UInt64(callTimeout * 1e9)
        self.connectedCount = connectedCount
    }

    /// Before anything connects.
    func add(_ chargePoint: LoadChargePoint) { chargePoints.append(chargePoint) }

    /// Starts sending until `duration` seconds have passed or the budget is spent.
    func start(duration: Double) {
        eventLoop.assertInEventLoop()
        startNanos = Self.now()
        stopNanos = startNanos + UInt64(duration * 1e9)
        running = true
        if rate != nil {
            ticker = eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { [self] _ in tick() }
        }
        timeoutChecker = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { [self] _ in
            checkTimeouts()
        }
        if profile == .idle {
            idleTicker = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { [self] _ in
                tickIdle()
            }
        }
        pump()
    }

    /// Stops sending new calls (in-flight calls still complete).
    func stop() {
        eventLoop.assertInEventLoop()
        running = false
        ticker?.cancel()
        ticker = nil
        idleTicker?.cancel()
        idleTicker = nil
    }

    /// After the drain: gives up on what is still in flight.
    func finish() {
        stop()
        timeoutChecker?.cancel()
        timeoutChecker = nil
        for chargePoint in chargePoints {
            if let action = chargePoint.abandonCall() {
                stats[action.rawValue].timeouts += 1
                inFlight -= 1
            }
        }
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    // MARK: Charge point events

    func chargePointConnected(_ chargePoint: LoadChargePoint) {
        connectedCount.withLockedValue { $0 += 1 }
        idle.append(chargePoint.index)
        pump()
    }

    func chargePointDisconnected(_ chargePoint: LoadChargePoint, lost action: LoadAction?) {
        connectedCount.withLockedValue { $0 -= 1 }
        if running { disconnects += 1 }
        if let action {
            stats[action.rawValue].dropped += 1
            inFlight -= 1
            pump()
        }
    }

    func callAnswered(_ chargePoint: LoadChargePoint, action: LoadAction, sentAt: UInt64, error: Bool) {
        let now = Self.now()
        let micros = (now &- sentAt) / 1000
        let hop = hops?.answered(chargePoint.id, at: now)
        if error {
            stats[action.rawValue].callErrors += 1
        } else {
            stats[action.rawValue].answered += 1
            _ = stats[action.rawValue].latency.record(max(1, micros))
            if let hop { hopStats.record(hop) }
        }
        inFlight -= 1
        idle.append(chargePoint.index)
        pump()
    }

    // MARK: Sending

    private func tick() {
        guard running, let rate else { return }
        let elapsed = Double(Self.now() &- startNanos) / 1e9
        let due = Int(elapsed * rate) - sent
        // Calls that found no idle charge point stay due; no burst bigger than the window.
        allowance = min(max(0, due), window)
        pump()
    }

    private func pump() {
        guard running else { return }
        if Self.now() >= stopNanos {
            stop()
            return
        }
        while inFlight < window, remaining > 0, rate == nil || allowance > 0, let next = idle.popFirst() {
            let chargePoint = chargePoints[next]
            // `idle`: after its boot a charge point sends when its time comes (`tickIdle`).
            if profile == .idle, chargePoint.booted { continue }
            guard chargePoint.sendNext(now: Self.now()) else { continue }
            inFlight += 1
            remaining -= 1
            sent += 1
            if rate != nil { allowance -= 1 }
        }
        if remaining <= 0 { stop() }
    }

    /// `idle`: sends the calls that are due. A booted charge point's first call comes at a random
    /// point of the first interval, so that the charge points' calls spread evenly over it; then
    /// one every half interval (a late call does not make the next one early).
    private func tickIdle() {
        guard running else { return }
        let now = Self.now()
        if now >= stopNanos {
            stop()
            return
        }
        for chargePoint in chargePoints where remaining > 0 && chargePoint.booted {
            guard let due = chargePoint.nextDue else {
                chargePoint.nextDue = now + UInt64.random(in: 0..<(2 * idleSpacingNanos))
                continue
            }
            guard due <= now, chargePoint.sendNext(now: now) else { continue }
            inFlight += 1
            remaining -= 1
            sent += 1
            chargePoint.nextDue = max(due + idleSpacingNanos, now + idleSpacingNanos / 2)
        }
        if remaining <= 0 { stop() }
    }

    private func checkTimeouts() {
        let now = Self.now()
        for chargePoint in chargePoints {
            guard let sentAt = chargePoint.inFlightSince, now &- sentAt > callTimeoutNanos,
                  let action = chargePoint.abandonCall() else { continue }
            stats[action.rawValue].timeouts += 1
            inFlight -= 1
            idle.append(chargePoint.index)
        }
        pump()
    }
}

/// One simulated charge point of the load test: a ``BackendConnector`` to the target and a
/// position in the scenario. Runs on its loop's event loop.
final class LoadChargePoint: BackendConnectorDelegate {
    let id: String
    /// Its index on its loop.
    let index: Int
    unowned let loop: LoadLoop
    var connector: BackendConnector?
    private var connected = false
    private var seq = 0
    private var bootStep = 0
    private var cycleStep = 0
    private var transactionId: Int?
    private var call: (seq: Int, action: LoadAction, sentAt: UInt64)?
    /// `idle` profile: when the next call is due (`nil`: not scheduled yet).
    var nextDue: UInt64?
    /// Markers of the calls answered with a CALLRESULT (all but Heartbeat), and Heartbeats answered.
    private(set) var delivered: [(marker: Int, action: LoadAction)] = []
    private(set) var heartbeats = 0
    private let answers = SimulatedChargePointAnswers(version: .v16)

    init(id: String, index: Int, loop: LoadLoop) {
        self.id = id
        self.index = index
        self.loop = loop
    }

    var inFlightSince: UInt64? { call?.sentAt }

    /// Whether the boot calls of the current connection have been sent.
    var booted: Bool { bootStep >= LoadScenario.boot.count }

    /// Forgets the call in flight (timed out); returns its action.
    func abandonCall() -> LoadAction? {
        defer { call = nil }
        return call?.action
    }

    /// Sends the next call of the scenario; false when it cannot (not connected, or busy).
    func sendNext(now: UInt64) -> Bool {
        guard connected, call == nil, let connector else { return false }
        var step: LoadStep
        if bootStep < LoadScenario.boot.count {
            step = LoadScenario.boot[bootStep]
            bootStep += 1
        } else if loop.profile == .idle {
            step = LoadScenario.idleCycle[cycleStep % LoadScenario.idleCycle.count]
            cycleStep = (cycleStep + 1) % LoadScenario.idleCycle.count
        } else {
            repeat {
                step = LoadScenario.cycle[cycleStep]
                cycleStep = (cycleStep + 1) % LoadScenario.cycle.count
            } while step.action.needsTransaction && transactionId == nil
        }
        seq += 1
        let text = LoadScenario.text(step, seq: seq, transactionId: loop.profile == .idle ? nil : transactionId ?? 0)
        if step.action == .stopTransaction { transactionId = nil }
        call = (seq, step.action, now)
        loop.hops?.sent(id, at: now)
        guard connector.send(text: text) else {
            call = nil
            return false
        }
        return true
    }

    func connector(_ connector: BackendConnector, didEmit event: BackendConnector.Event) {
        switch event {
        case .connected:
            connected = true
            bootStep = 0
            loop.chargePointConnected(self)
        case .disconnected:
            guard connected else { return }
            connected = false
            let lost = call?.action
            call = nil
            loop.chargePointDisconnected(self, lost: lost)
        case .attemptFailed:
            break
        case .received(let text):
            received(text)
        }
    }

    private func received(_ text: String) {
        guard let head = OCPPFrameHead(text) else { return }
        switch head.type {
        case 3, 4:
            guard let current = call, Int(head.id) == current.seq else { return }
            call = nil
            let isError = head.type == 4
            if !isError {
                if current.action == .heartbeat {
                    heartbeats += 1
                } else {
                    delivered.append((current.seq, current.action))
                }
                if current.action == .startTransaction {
                    let frame = try? OCPPFrame(parsing: text)
                    if case .callResult(_, let payload)? = frame { transactionId = payload["transactionId"]?.intValue }
                }
            }
            loop.callAnswered(self, action: current.action, sentAt: current.sentAt, error: isError)
        case 2:
            // A backend's call: answer it at once, Accepted.
            guard let frame = try? OCPPFrame(parsing: text), let answer = answers.answer(frame) else { return }
            _ = connector?.send(text: answer.serialized)
        default:
            break
        }
    }
}
