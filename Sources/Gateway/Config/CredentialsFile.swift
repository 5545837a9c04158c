import Foundation

/// The `credentialsFile`: charge point passwords as salted slow hashes, one per line:
///
/// ```
/// # comment
/// CP-0001:pbkdf2-sha256:600000:SALT-BASE64:HASH-BASE64
/// CP-1*:pbkdf2-sha256:600000:SALT-BASE64:HASH-BASE64
/// ```
///
/// The id (or glob) ends at the first `:` (ids cannot contain one). `chargemux hash-password`
/// prints such a line. Entries join `chargePoints` after the config's own entries.
public enum CredentialsFile {
    /// A line that could not be read; never quotes the line (it holds a hash).
    public struct LineError: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based line number.
        public let line: Int
        /// What is wrong.
        public let problem: String
        /// `line N: problem`.
        public var description: String { "line \(line): \(problem)" }
    }

    /// The entries of `text`; throws at the first malformed line.
    public static func parse(_ text: String) throws -> [GatewayConfig.ChargePointCredential] {
        var entries: [GatewayConfig.ChargePointCredential] = []
        var seen: Set<String> = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw LineError(line: index + 1, problem: "expected `id:pbkdf2-sha256:iterations:salt:hash`")
            }
            let id = String(line[..<colon])
            guard !id.isEmpty, id.count <= 48, !id.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true })
            else { throw LineError(line: index + 1, problem: "invalid charge point id") }
            guard let hash = PasswordHash(stored: line[line.index(after: colon)...]) else {
                throw LineError(line: index + 1, problem:
                    "not `pbkdf2-sha256:ITERATIONS:SALT-BASE64:HASH-BASE64` (salt ≥ 8 bytes, hash 16–64 bytes)")
            }
            guard seen.insert(id).inserted else {
                throw LineError(line: index + 1, problem: "charge point id `\(id)` is listed twice")
            }
            entries.append(GatewayConfig.ChargePointCredential(id: id, credential: .pbkdf2(hash)))
        }
        return entries
    }

    /// The line for `id` with `hash`.
    public static func line(id: String, hash: PasswordHash) -> String {
        "\(id):\(hash.stored)"
    }
}
