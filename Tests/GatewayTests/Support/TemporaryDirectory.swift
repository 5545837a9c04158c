import Foundation

/// A folder under the system's temporary folder, removed when the value goes away.
final class TemporaryDirectory {
    /// The folder's absolute path, symlinks resolved.
    let path: String

    /// A new folder holding `files` (relative paths, each with `content`) and `folders`.
    init(files: [String] = TemporaryDirectory.standardFiles, folders: [String] = ["certs/clients"],
         content: String = "placeholder\n") {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath()
        path = base.appendingPathComponent("chargemux-tests-\(UUID().uuidString)").path
        let manager = FileManager.default
        try? manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        for folder in folders {
            try? manager.createDirectory(atPath: path + "/" + folder, withIntermediateDirectories: true)
        }
        for file in files { write(file, content) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `content` to `relativePath`, creating folders as needed.
    func write(_ relativePath: String, _ content: String) {
        let url = URL(fileURLWithPath: path + "/" + relativePath)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(content.utf8).write(to: url)
    }

    /// Whether the folder still exists.
    var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The files most fixtures refer to.
    static let standardFiles = [
        "site.policy", "certs/gateway.pem", "certs/gateway.key", "certs/chargepoint-ca.pem",
        "certs/billing-ca.pem", "certs/client.pem", "certs/client.key",
    ]
}
