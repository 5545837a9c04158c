import Gateway
import Testing

/// An environment with the variables fixtures use.
let testEnvironment = ["BILLING_KEY": "billing-secret-from-env", "CHARGEMUX_HASH_KEY": "hash-key-0123456789abcdef"]

/// Parses `yaml` as `gateway.yaml` in `directory` and returns the config, or records an issue.
func parseValid(
    _ yaml: String, in directory: TemporaryDirectory = TemporaryDirectory(),
    environment: [String: String] = testEnvironment, sourceLocation: SourceLocation = #_sourceLocation
) -> GatewayConfig? {
    do {
        return try GatewayConfig.parse(yaml: yaml, file: "gateway.yaml", baseDirectory: directory.path,
                                       environment: environment)
    } catch {
        Issue.record("expected a valid config, got:\n\(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Parses `yaml` and returns the diagnostics, or records an issue if it loads.
func diagnostics(
    _ yaml: String, in directory: TemporaryDirectory = TemporaryDirectory(),
    environment: [String: String] = testEnvironment, sourceLocation: SourceLocation = #_sourceLocation
) -> [ConfigDiagnostic] {
    do {
        _ = try GatewayConfig.parse(yaml: yaml, file: "gateway.yaml", baseDirectory: directory.path,
                                    environment: environment)
        Issue.record("expected the config to be refused", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.diagnostics
    }
}

/// Expects `fixture` to be refused with exactly one diagnostic at its `↓` marker, with `code`
/// and `keyPath`, whose message contains `message` (and help contains `help`, if given).
/// Returns the diagnostic for further checks.
@discardableResult
func expectError(
    _ fixture: String, code: ConfigError.Code, keyPath: String, message: String, help: String? = nil,
    in directory: TemporaryDirectory = TemporaryDirectory(), environment: [String: String] = testEnvironment,
    sourceLocation: SourceLocation = #_sourceLocation
) -> ConfigDiagnostic? {
    let fixture = Fixture(fixture)
    let found = diagnostics(fixture.yaml, in: directory, environment: environment, sourceLocation: sourceLocation)
    guard found.count == 1, let diagnostic = found.first else {
        Issue.record("expected one diagnostic, got \(found.count):\n\(found.map(\.description).joined(separator: "\n"))",
                     sourceLocation: sourceLocation)
        return nil
    }
    #expect(diagnostic.code == code, sourceLocation: sourceLocation)
    #expect(diagnostic.file == "gateway.yaml", sourceLocation: sourceLocation)
    #expect(Fixture.Position(line: diagnostic.line, column: diagnostic.column) == fixture.marker,
            sourceLocation: sourceLocation)
    #expect(diagnostic.keyPath == keyPath, sourceLocation: sourceLocation)
    #expect(diagnostic.message.contains(message), "message: \(diagnostic.message)", sourceLocation: sourceLocation)
    if let help {
        #expect(diagnostic.help?.contains(help) == true, "help: \(diagnostic.help ?? "nil")",
                sourceLocation: sourceLocation)
    }
    return diagnostic
}
