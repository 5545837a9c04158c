import Foundation
import Yams

extension ConfigDecoder {
    /// `backends[i].passwordFile`: per charge point AuthorizationKeys towards this backend, one
    /// `chargePointId: key` line each (`#` comments, blank lines). Read at start; a malformed line
    /// is reported by number, never quoted.
    func decodePasswordFile(in map: MappingReader) -> Field<[String: Secret]> {
        let keyPath = map.path("passwordFile")
        return existingPath("passwordFile", in: map).flatMap { path, node in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                report(.invalidValue, "`\(keyPath)` \(path) cannot be read", at: node, keyPath: keyPath)
                return nil
            }
            switch Self.parsePasswordFile(text) {
            case .success(let passwords):
                return passwords
            case .failure(let problem):
                report(.invalidValue, "`\(keyPath)` \(path) line \(problem.line): \(problem.message)", at: node,
                       keyPath: keyPath, help: "write one `chargePointId: key` per line")
                return nil
            }
        }
    }

    /// A malformed line of a password file.
    struct PasswordFileProblem: Error {
        let line: Int
        let message: String
    }

    /// The passwords of a `passwordFile`'s text, by charge point id.
    static func parsePasswordFile(_ text: String) -> Result<[String: Secret], PasswordFileProblem> {
        var passwords: [String: Secret] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(PasswordFileProblem(line: index + 1, message: "expected `chargePointId: key`"))
            }
            let id = line[..<colon].trimmingCharacters(in: .whitespaces)
            let key = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty, !key.isEmpty else {
                return .failure(PasswordFileProblem(line: index + 1, message: "empty charge point id or key"))
            }
            guard passwords[id] == nil else {
                return .failure(PasswordFileProblem(line: index + 1, message: "charge point `\(id)` is listed twice"))
            }
            passwords[id] = Secret(key)
        }
        return .success(passwords)
    }
}
