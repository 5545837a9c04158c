import Foundation

/// Writes whole lines to standard output from any thread, one at a time.
final class LinePrinter: @unchecked Sendable {
    // @unchecked: `lock` guards every write.
    private let lock = NSLock()

    /// Writes `line` and a newline.
    func print(_ line: String) {
        lock.withLock { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }
}
