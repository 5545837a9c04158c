/// A command line that names something wrong (a frame that is not a call, an unknown backend):
/// the command exits 2 like an argument error.
struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, lowercase, user input in backticks.
    var message: String

    /// A usage error saying `message`.
    init(_ message: String) { self.message = message }

    /// The message.
    var description: String { message }
}
