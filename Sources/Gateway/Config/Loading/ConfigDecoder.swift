import Yams

/// Decodes one configuration document into a ``GatewayConfig`` while collecting every problem.
///
/// Each `decode…`/`read…` method reports what is wrong and returns `nil` or `.invalid`, so the
/// decoding goes on and the operator gets all problems at once. Not thread-safe: one decoder
/// serves one synchronous `parse` call.
final class ConfigDecoder {
    /// The file name used in diagnostics, as the operator wrote it.
    let file: String
    /// The absolute folder relative paths resolve against.
    let baseDirectory: String
    /// Where `env:NAME` values are looked up.
    let environment: [String: String]
    /// What exists on disk.
    let fileSystem: FileSystemProbe
    /// The problems found so far.
    private(set) var diagnostics: [ConfigDiagnostic] = []

    init(file: String, baseDirectory: String, environment: [String: String], fileSystem: FileSystemProbe) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.fileSystem = fileSystem
    }

    /// Records a problem at `node`'s position.
    func report(
        _ code: ConfigError.Code, _ message: String, at node: Node?, keyPath: String, help: String? = nil
    ) {
        report(code, message, at: node?.mark, keyPath: keyPath, help: help)
    }

    /// Records a problem at `mark`.
    func report(
        _ code: ConfigError.Code, _ message: String, at mark: Mark?, keyPath: String, help: String? = nil
    ) {
        diagnostics.append(ConfigDiagnostic(
            code: code, file: file, line: mark?.line ?? 1, column: mark?.column ?? 1,
            keyPath: keyPath, message: message, help: help))
    }
}
