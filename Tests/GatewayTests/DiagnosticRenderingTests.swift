import Gateway
import Testing

@Suite("diagnostic rendering")
struct DiagnosticRenderingTests {
    @Test func descriptionHasPositionMessageAndHelp() {
        let diagnostic = ConfigDiagnostic(code: .unknownKey, file: "gw.yaml", line: 12, column: 5,
                                          keyPath: "listen[0].securityProfil",
                                          message: "unknown key `securityProfil` in `listen[0]`",
                                          help: "did you mean `securityProfile`?")
        #expect(diagnostic.description == """
            gw.yaml:12:5: error[config]: unknown key `securityProfil` in `listen[0]`
            help: did you mean `securityProfile`?
            """)
    }

    @Test func descriptionWithoutHelpOrPosition() {
        let diagnostic = ConfigDiagnostic(code: .fileNotFound, file: "gw.yaml", line: 0, column: 0, keyPath: "",
                                          message: "configuration file `gw.yaml` not found")
        #expect(diagnostic.description == "gw.yaml: error[config]: configuration file `gw.yaml` not found")
    }

    @Test func allProblemsAreReportedInFileOrder() {
        let fixture = Fixture("""
            ↓listn:
              - address: 127.0.0.1:8180
            policy: site.policy
            backends:
              - name: billing
                url: ↓http://127.0.0.1:9001/ocpp
              - name: ↓billing
                url: ws://127.0.0.1:9002/ocpp
                ocppVersion: ↓"3.0"
            callTimeout: ↓0
            """)
        let found = diagnostics(fixture.yaml)
        // The missing `listen` points at the document start, which is also where `listn` is.
        #expect(found.map(\.code) == [.unknownKey, .missingKey, .invalidValue, .duplicateValue, .invalidValue, .invalidValue])
        #expect(found.map { Fixture.Position(line: $0.line, column: $0.column) }
                == [fixture.markers[0], fixture.markers[0]] + fixture.markers.dropFirst())
        #expect(found.map(\.keyPath) == ["listn", "listen", "backends[0].url", "backends[1].name",
                                         "backends[1].ocppVersion", "callTimeout"])
    }

    @Test func errorExposesTheFirstDiagnosticAndRendersAll() throws {
        let found = diagnostics("""
            policy: site.policy
            callTimeout: 0
            """)
        let error = ConfigError(diagnostics: found)
        #expect(error.diagnostics.count == 3)
        #expect(error.code == .missingKey)
        #expect(error.line == 1)
        #expect(error.column == 1)
        #expect(error.file == "gateway.yaml")
        #expect(error.keyPath == "listen")
        #expect(error.message == "missing required key `listen` in the configuration")
        #expect(error.help == "add `listen: [{ address: 127.0.0.1:8180 }]`")
        #expect(error.description.split(separator: "\n").filter { $0.contains("error[config]") }.count == 3)
    }

    @Test func codesHaveStableNames() {
        let codes: [ConfigError.Code] = [
            .unknownKey, .wrongType, .missingKey, .invalidValue, .conflict, .duplicateKey, .duplicateValue,
            .reservedName, .missingEnvironmentVariable, .fileNotFound, .unreadableFile, .yamlSyntax,
        ]
        #expect(Set(codes.map(\.rawValue)).count == codes.count)
        #expect(ConfigError.Code.unknownKey.description == "unknown-key")
    }
}
