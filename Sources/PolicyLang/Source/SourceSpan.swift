/// A half-open range of UTF-8 offsets in one source file.
public struct SourceSpan: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span that covers both.
    public func union(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(start, other.start), end: max(end, other.end))
    }

    /// An empty span at the start of the file, for findings about the whole file.
    public static let fileStart = SourceSpan(start: 0, end: 0)
}
