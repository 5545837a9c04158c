import Foundation
import Logging
import NIOCore
import OCPP

/// `chargemux simulate chargepoint` as a function: connect a ``SimulatedChargePoint``, play a
/// story, print each call and its answer, disconnect.
public enum ChargePointStoryRun {
    /// Why the story could not run at all.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case badURL(String)
        case notConnected(url: String, seconds: Double)

        public var description: String {
            switch self {
            case .badURL(let url): "`\(url)` is not a ws:// URL"
            case .notConnected(let url, let seconds): "could not connect to \(url) within \(seconds) s"
            }
        }
    }

    /// Connects as `id` to `url` (the endpoint without the id), runs `story` and returns its report.
    /// `print` gets one line per call and per answer.
    public static func run(story: ChargePointStory, url: String, id: String, password: String?,
                           eventLoopGroup: any EventLoopGroup, logger: Logger, connectTimeout: Double = 10,
                           callTimeout: Double = 10, print: @escaping @Sendable (String) -> Void) async throws(Failure) -> StoryReport {
        guard let endpoint = URL(string: url), endpoint.scheme?.lowercased() == "ws", endpoint.host != nil else {
            throw .badURL(url)
        }
        let chargePoint: SimulatedChargePoint
        do {
            chargePoint = try SimulatedChargePoint(
                id: id, url: endpoint, password: password, eventLoop: eventLoopGroup.next(), logger: logger,
                onEvent: { event in
                    // Calls from the central system and this charge point's answers to them.
                    switch event {
                    case .received(_, _, .call), .sent(_, _, .callResult), .sent(_, _, .callError):
                        print(SimulatorEventLine.line(for: event))
                    default: break
                    }
                })
        } catch {
            throw .badURL(url)
        }
        chargePoint.start()
        do {
            try await chargePoint.waitUntilConnected(timeout: connectTimeout)
        } catch {
            await chargePoint.stop()
            throw .notConnected(url: url, seconds: connectTimeout)
        }
        print("\(id) connected to \(url)/\(id)")
        let report = await ChargePointStoryRunner(callTimeout: callTimeout).run(
            story, on: chargePoint,
            after: { result, _ in
                print("\(result.label)".padded(to: 20) + " \(result.action) #\(result.messageId ?? "-") "
                      + PayloadSummary.short(result.request))
                print(String(repeating: " ", count: 20) + " ↳ \(result.outcome)")
            })
        await chargePoint.stop()
        let failed = report.steps.filter { !$0.succeeded }.count
        print(failed == 0 ? "story \(story.name): \(report.steps.count) calls, all answered with CALLRESULT"
                          : "story \(story.name): \(failed) of \(report.steps.count) calls not answered with CALLRESULT")
        return report
    }
}
