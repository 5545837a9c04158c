import Foundation
import Yams

extension GatewayConfig {
    /// Reads and checks the configuration file at `path`.
    ///
    /// Relative paths inside it resolve against the file's folder; `env:NAME` values come from
    /// `environment`. Throws every problem in the file at once.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> GatewayConfig {
        let absolute = PathResolver.resolve(path, against: FileManager.default.currentDirectoryPath)
        let yaml = try readConfigFile(displayName: path, absolutePath: absolute)
        return try parse(yaml: yaml, file: path, baseDirectory: PathResolver.directory(of: absolute),
                         environment: environment)
    }

    /// Checks configuration text as if it were the file `file` in the folder `baseDirectory`.
    ///
    /// - Parameters:
    ///   - yaml: The configuration text.
    ///   - file: The name diagnostics use for the file.
    ///   - baseDirectory: The folder relative paths resolve against (relative to the current
    ///     directory if not absolute).
    ///   - environment: Where `env:NAME` values are looked up.
    public static func parse(
        yaml: String, file: String, baseDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> GatewayConfig {
        let document: Node?
        do {
            document = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(YAMLErrorTranslator.diagnostic(for: error, yaml: yaml, file: file))
        }
        let decoder = ConfigDecoder(
            file: file, baseDirectory: PathResolver.resolve(baseDirectory, against: FileManager.default.currentDirectoryPath),
            environment: environment, fileSystem: FileSystemProbe())
        guard let config = decoder.decodeRoot(document), decoder.diagnostics.isEmpty else {
            throw ConfigError(diagnostics: decoder.diagnostics)
        }
        return config
    }

    private static func readConfigFile(displayName: String, absolutePath: String) throws(ConfigError) -> String {
        func failure(_ code: ConfigError.Code, _ message: String) -> ConfigError {
            ConfigError(ConfigDiagnostic(code: code, file: displayName, line: 0, column: 0, keyPath: "", message: message))
        }
        switch FileSystemProbe().entry(at: absolutePath) {
        case .missing: throw failure(.fileNotFound, "configuration file `\(displayName)` not found at `\(absolutePath)`")
        case .directory: throw failure(.unreadableFile, "`\(absolutePath)` is a folder, not a configuration file")
        case .file: break
        }
        guard let data = FileManager.default.contents(atPath: absolutePath) else {
            throw failure(.unreadableFile, "can't read the configuration file `\(absolutePath)`")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw failure(.unreadableFile, "the configuration file `\(absolutePath)` is not utf-8 text")
        }
        return text
    }
}
