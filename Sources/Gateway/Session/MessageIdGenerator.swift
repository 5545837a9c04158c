/// Gives every leg the gateway sends its own message id: `cmx-1`, `cmx-2`, ...
///
/// OCPP-J ids are unique per sender per connection. The gateway is the sender on every leg it
/// opens, so it never reuses a peer's id: two backends that both call with id `"1"` get answers
/// matched by the gateway's ids, never by theirs.
public struct MessageIdGenerator: Sendable {
    /// The text before the counter.
    public let prefix: String
    private var counter: UInt64 = 0

    /// A generator of `<prefix><n>` ids, counting from 1. The prefix plus 20 digits stays within
    /// OCPP-J's 36 characters as long as the prefix has at most 16.
    public init(prefix: String = "cmx-") {
        self.prefix = String(prefix.prefix(16))
    }

    /// The next id; never returns the same id twice.
    public mutating func next() -> String {
        counter &+= 1
        return prefix + String(counter)
    }
}
