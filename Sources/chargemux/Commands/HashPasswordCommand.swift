import ArgumentParser
import Foundation
import Gateway

/// `chargemux hash-password CP-0001 < password.txt`: prints a `credentialsFile` line.
struct HashPasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password",
        abstract: "Print a credentialsFile line (id:pbkdf2-sha256:iterations:salt:hash) for a password read from stdin.",
        discussion: """
            The password is the first line of standard input (a trailing newline is dropped), never an argument, \
            so it does not end up in the shell history or the process list. Append the line to the file named by \
            `credentialsFile:` and reload the gateway.
            """)

    @Argument(help: ArgumentHelp("The charge point id or glob the password is for.", valueName: "id"))
    var id: String

    @Option(name: .long, help: "PBKDF2-HMAC-SHA256 iterations.")
    var iterations: Int = PasswordHash.defaultIterations

    func validate() throws {
        guard ChargePointIdentity.isValidId(id.replacingOccurrences(of: "*", with: "x")
            .replacingOccurrences(of: "?", with: "x")) else {
            throw ValidationError("`\(id)` is not a valid charge point id (1–48 characters, no `:`)")
        }
        guard (1_000...10_000_000).contains(iterations) else {
            throw ValidationError("--iterations must be between 1000 and 10000000")
        }
    }

    func run() throws {
        var data = FileHandle.standardInput.readDataToEndOfFile()
        if let newline = data.firstIndex(of: UInt8(ascii: "\n")) { data = data[..<newline] }
        if data.last == UInt8(ascii: "\r") { data = data.dropLast() }
        guard !data.isEmpty else {
            FileHandle.standardError.write(Data("no password on standard input\n".utf8))
            throw ExitCode(ToolOutput.Status.findings.rawValue)
        }
        let hash = PasswordHash.make(password: Array(data), iterations: iterations)
        print(CredentialsFile.line(id: id, hash: hash))
    }
}
