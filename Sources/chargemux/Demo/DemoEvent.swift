import Foundation
import Gateway

/// Something the demo saw: a simulator's message or connection, or a line of the gateway's log.
enum DemoEvent: Sendable, Equatable {
    case simulator(SimulatorEvent)
    case gateway(GatewayLogEvent)
}

/// Every event of the demo, in the order they arrived, and the ones not yet narrated.
final class DemoRecorder: @unchecked Sendable {
    // @unchecked: `lock` guards every member.
    private let lock = NSLock()
    private var events: [DemoEvent] = []
    private var unnarrated: [DemoEvent] = []
    private var lastArrival = Date()

    func record(_ event: DemoEvent) {
        lock.withLock {
            events.append(event)
            unnarrated.append(event)
            lastArrival = Date()
        }
    }

    /// Everything so far.
    var all: [DemoEvent] { lock.withLock { events } }

    /// How many events arrived so far; a mark to look at what came after.
    var count: Int { lock.withLock { events.count } }

    /// The events from `mark` on.
    func since(_ mark: Int) -> [DemoEvent] { lock.withLock { Array(events[min(mark, events.count)...]) } }

    /// The events not yet narrated; they count as narrated afterwards.
    func takeUnnarrated() -> [DemoEvent] {
        lock.withLock {
            defer { unnarrated.removeAll() }
            return unnarrated
        }
    }

    /// Waits until nothing arrived for `quiet` seconds, or `limit` seconds passed: the copies
    /// and their answers trail the charge point's answer by a moment.
    func settle(quiet: Double = 0.08, limit: Double = 1.5) async {
        let start = Date()
        while Date().timeIntervalSince(start) < limit {
            let idle = lock.withLock { Date().timeIntervalSince(lastArrival) }
            if idle >= quiet { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
