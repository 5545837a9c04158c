import Foundation
import Gateway
import Logging
import NIOCore
import OCPP

/// One control connection of a load test to a backend served by another process: it connects as
/// ``LoadControl/chargePointId`` and asks ``LoadControl`` queries, one at a time.
final class LoadControlClient: BackendConnectorDelegate, @unchecked Sendable {
    // @unchecked: `pending`, `connected` and `nextId` are touched only on `eventLoop`.
    let port: Int
    let eventLoop: any EventLoop
    private let connector: BackendConnector
    private var pending: [String: EventLoopPromise<String>] = [:]
    private var connected = false
    private var onConnected: [EventLoopPromise<Void>] = []
    private var nextId = 0

    init(port: Int, eventLoop: any EventLoop, logger: Logger) throws {
        self.port = port
        self.eventLoop = eventLoop
        let backend = GatewayConfig.Backend(
            name: "control", url: URL(string: "ws://127.0.0.1:\(port)/ocpp")!, ocppVersion: .v16, securityProfile: .unsecured,
            password: nil)
        connector = try BackendConnector(
            backend: backend, chargePointId: LoadControl.chargePointId, version: .v16, eventLoop: eventLoop,
            options: .init(backoff: Backoff(base: .milliseconds(100), cap: .seconds(1)), maxFrameSize: 16 << 20), logger: logger)
    }

    /// Connects; throws ``LoadtestFailure`` when no connection is up within `timeout` seconds.
    func start(timeout: Double) async throws {
        let promise = eventLoop.makePromise(of: Void.self)
        eventLoop.execute { [self] in
            connector.setDelegate(self)
            if connected { promise.succeed() } else { onConnected.append(promise) }
            connector.start()
        }
        let deadline = eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            promise.fail(LoadtestFailure(description: "no backend process answers on 127.0.0.1:\(self.port)"))
        }
        defer { deadline.cancel() }
        try await promise.futureResult.get()
    }

    /// Asks `messageId` with `data`; returns the answer's `data`.
    func query(_ messageId: String, data: String = "", timeout: Double = 30) async throws -> String {
        let promise = eventLoop.makePromise(of: String.self)
        let port = self.port
        eventLoop.execute { [self] in
            nextId += 1
            let id = "control-\(nextId)"
            pending[id] = promise
            let frame = OCPPFrame.call(id: id, action: "DataTransfer", payload: [
                "vendorId": .string(LoadControl.vendorId), "messageId": .string(messageId), "data": .string(data),
            ])
            if !connector.send(text: frame.serialized) {
                pending[id] = nil
                promise.fail(LoadtestFailure(description: "lost the control connection to 127.0.0.1:\(port)"))
            }
        }
        let deadline = eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            promise.fail(LoadtestFailure(description: "the backend process on 127.0.0.1:\(port) did not answer `\(messageId)`"))
        }
        defer { deadline.cancel() }
        return try await promise.futureResult.get()
    }

    func stop() async {
        _ = try? await connector.stop().get()
    }

    func connector(_ connector: BackendConnector, didEmit event: BackendConnector.Event) {
        switch event {
        case .connected:
            connected = true
            for promise in onConnected { promise.succeed() }
            onConnected.removeAll()
        case .disconnected:
            connected = false
            let lost = pending
            pending.removeAll()
            for promise in lost.values {
                promise.fail(LoadtestFailure(description: "lost the control connection to 127.0.0.1:\(port)"))
            }
        case .attemptFailed:
            break
        case .received(let text):
            guard let frame = try? OCPPFrame(parsing: text) else { return }
            switch frame {
            case .callResult(let id, let payload):
                pending.removeValue(forKey: id)?.succeed(payload["data"]?.stringValue ?? "")
            case .callError(let id, let code, let description, _):
                pending.removeValue(forKey: id)?.fail(LoadtestFailure(description: "control query refused: \(code) \(description)"))
            default:
                break
            }
        }
    }
}
