/// A secret value from the configuration: a password, a password hash or a hashing key.
///
/// Its `description`, `debugDescription` and mirror never show the value: printing, logging,
/// `dump(_:)` and string interpolation all give `<secret>`. Call ``reveal()`` only where the
/// value is really needed (comparing credentials, sending a password, keying a hash).
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Where a secret came from; never the value itself.
    public enum Source: Sendable, Hashable {
        /// Written in the configuration file.
        case inline
        /// Read from the named environment variable at load time (`env:NAME`).
        case environment(String)
    }

    /// Where the value came from.
    public let source: Source
    private let value: String

    /// Wraps `value`, which came from `source`.
    public init(_ value: String, source: Source = .inline) {
        self.value = value
        self.source = source
    }

    /// The value itself. Never log or print it.
    public func reveal() -> String { value }

    /// Always `<secret>`.
    public var description: String { "<secret>" }

    /// Always `<secret>`.
    public var debugDescription: String { "<secret>" }

    /// A mirror without children, so `dump(_:)` and reflection show nothing of the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
