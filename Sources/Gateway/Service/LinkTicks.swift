import NIOConcurrencyHelpers
import NIOCore

/// Calls every charge point link's `timePassed` once a second with one timer per event loop,
/// instead of one per link: with thousands of charge points, thousands of timers firing every
/// second cost more in the event loop's timer heap than the ticks themselves.
final class LinkTicks: Sendable {
    /// A registered callback; ``cancel()`` (on its event loop) stops it.
    final class Registration: Sendable {
        fileprivate let key: Int
        fileprivate let ticker: LoopTicker

        fileprivate init(key: Int, ticker: LoopTicker) {
            self.key = key
            self.ticker = ticker
        }

        /// Stops the callback; on the event loop it was registered on.
        func cancel() { ticker.remove(key) }
    }

    /// The callbacks of one event loop and their timer, which runs while there are any.
    fileprivate final class LoopTicker: Sendable {
        private struct State {
            var callbacks: [Int: () -> Void] = [:]
            var nextKey = 0
            var task: RepeatedTask?
        }

        let eventLoop: any EventLoop
        let interval: TimeAmount
        private let state: NIOLoopBoundBox<State>

        /// On `eventLoop`.
        init(eventLoop: any EventLoop, interval: TimeAmount) {
            self.eventLoop = eventLoop
            self.interval = interval
            self.state = NIOLoopBoundBox(State(), eventLoop: eventLoop)
        }

        func add(_ body: @escaping () -> Void) -> Int {
            let key = state.value.nextKey
            state.value.nextKey += 1
            state.value.callbacks[key] = body
            if state.value.task == nil {
                state.value.task = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in tick() }
            }
            return key
        }

        func remove(_ key: Int) {
            eventLoop.preconditionInEventLoop()
            state.value.callbacks[key] = nil
            if state.value.callbacks.isEmpty {
                state.value.task?.cancel()
                state.value.task = nil
            }
        }

        private func tick() {
            // A copy: a callback may cancel registrations (its own or others').
            for body in state.value.callbacks.values { body() }
        }
    }

    private let interval: TimeAmount
    private let tickers = NIOLockedValueBox<[ObjectIdentifier: LoopTicker]>([:])

    init(interval: TimeAmount = .seconds(1)) {
        self.interval = interval
    }

    /// Calls `body` on `eventLoop` every interval until the registration is cancelled; call it
    /// on `eventLoop`.
    func register(on eventLoop: any EventLoop, _ body: @escaping () -> Void) -> Registration {
        eventLoop.preconditionInEventLoop()
        let interval = self.interval
        let ticker = tickers.withLockedValue { tickers in
            if let existing = tickers[ObjectIdentifier(eventLoop)] { return existing }
            let created = LoopTicker(eventLoop: eventLoop, interval: interval)
            tickers[ObjectIdentifier(eventLoop)] = created
            return created
        }
        return Registration(key: ticker.add(body), ticker: ticker)
    }
}
