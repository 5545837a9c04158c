import Foundation

/// Paths to files in the repository, found from this source file's location.
enum Fixtures {
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static func examplePath(_ relative: String) -> String { repositoryRoot + "/Examples/" + relative }
}
