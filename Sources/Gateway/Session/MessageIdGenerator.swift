/// Gives every leg the gateway sends its own message id: `cmx-1`, `cmx-2`, ...
///
/// OCPP-J ids are unique per sender per connection. The gateway is the sender on every leg it
/// opens, so it never reuses a peer's id: two backends that both call with id `"1"` get answers
/// matched by the gateway's ids, never by theirs.
public struct MessageIdGenerator: Sendable {
    /// The text before the counter.
    public let prefix: String
    private var counter: UInt64 = 0

    /// `cmx-<8 random base-36 characters>-`, new at each call: a session's ids then stay unique
    /// per sender across reconnections and restarts, not only per connection as OCPP-J asks, so a
    /// backend that recognises retransmissions by message id never takes a new call for an old one.
    public static func uniquePrefix() -> String {
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        return "cmx-" + String((0..<8).map { _ in digits.randomElement()! }) + "-"
    }

    /// A generator of `<prefix><n>` ids, counting from 1. The prefix plus 20 digits stays within
    /// OCPP-J's 36 characters as long as the prefix has at most 16.
    public init(prefix: String = "cmx-") {
        self.prefix = String(prefix.prefix(16))
    }

    /// Makes sure `id`, if it is one of this generator's form, is never returned later: an id kept
    /// from an earlier process (a retransmission after a restart) stays unique on this connection.
    public mutating func skip(past id: String) {
        guard id.hasPrefix(prefix), let number = UInt64(id.dropFirst(prefix.count)) else { return }
        counter = max(counter, number)
    }

    /// The next id; never returns the same id twice.
    public mutating func next() -> String {
        counter &+= 1
        return prefix + String(counter)
    }
}
