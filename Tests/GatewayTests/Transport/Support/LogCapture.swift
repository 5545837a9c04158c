import Logging
import NIOConcurrencyHelpers

/// Collects every log record as one line of text (message and metadata) for assertions.
final class LogCapture: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    init() {}

    /// A logger at trace level that writes here.
    var logger: Logger {
        var logger = Logger(label: "chargemux.test") { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }

    var all: [String] { lines.withLockedValue { $0 } }
    var text: String { all.joined(separator: "\n") }
}

/// A `LogHandler` that renders records into a ``LogCapture``.
struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) \(event.message) \(rendered) source=\(event.source)")
    }
}
