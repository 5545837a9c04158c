import Foundation

/// Answers whether paths exist; the loader checks but does not read certificates and the policy.
struct FileSystemProbe: Sendable {
    /// What is at a path.
    enum Entry: Sendable {
        case missing
        case file
        case directory
    }

    /// The entry at an absolute path.
    func entry(at path: String) -> Entry {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        return isDirectory.boolValue ? .directory : .file
    }
}
