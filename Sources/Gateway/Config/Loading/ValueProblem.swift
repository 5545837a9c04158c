/// Why a value that parsed as YAML is not acceptable: a message and how to fix it.
struct ValueProblem: Error {
    let message: String
    let help: String?

    init(_ message: String, help: String? = nil) {
        self.message = message
        self.help = help
    }
}
