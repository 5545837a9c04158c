import Testing
@testable import PolicyLang

/// The words users read: messages, labels and help of representative diagnostics.
@Suite("diagnostic messages")
struct DiagnosticMessageTests {
    static func lint(_ body: String, version: String = "1.6", configBackends: [String]? = nil) -> [Diagnostic] {
        let text = "policy \"spot\" for ocpp \(version)\n" + body
        return PolicyPipeline.compile(source: SourceFile(path: "spot.policy", text: text), configBackends: configBackends,
                                      readListFile: { _ in "" }).diagnostics
            .filter { $0.code != .unroutedAction }
    }

    static func only(_ code: DiagnosticCode, in diagnostics: [Diagnostic]) -> Diagnostic? {
        let found = diagnostics.filter { $0.code == code }
        #expect(found.count == 1, "\(diagnostics.map(DiagnosticRenderer.headline))")
        return found.first
    }

    @Test("an unknown action suggests the nearest one")
    func unknownAction() throws {
        let diagnostic = try #require(Self.only(.unknownAction, in: Self.lint("route StartTransation to billing\n")))
        #expect(diagnostic.message == "unknown action `StartTransation` for ocpp 1.6")
        #expect(diagnostic.help == "did you mean `StartTransaction`?")
        #expect(diagnostic.label == "not an ocpp 1.6 action")
        #expect(diagnostic.position == SourcePosition(line: 2, column: 7))
    }

    @Test("a number in quotes is a type mismatch whose help drops the quotes")
    func typeMismatch() throws {
        let diagnostics = Self.lint("route StartTransaction to billing when connectorId == \"2\"\n")
        let diagnostic = try #require(Self.only(.typeMismatch, in: diagnostics))
        #expect(diagnostic.message == "`connectorId` is an integer, but `\"2\"` is a string")
        #expect(diagnostic.help == "write the number without quotes: `2`")
    }

    @Test("the rendered form: headline, quoted line, caret with label, help")
    func rendering() {
        let source = SourceFile(path: "site.policy", text: "policy \"x\" for ocpp 1.6\nroute StartTransation to owner\n")
        let compilation = PolicyPipeline.compile(source: source)
        let diagnostic = compilation.diagnostics.first { $0.code == .unknownAction }!
        let rendered = DiagnosticRenderer(sources: [source]).render(diagnostic)
        #expect(rendered == """
            site.policy:2:7: error[E200]: unknown action `StartTransation` for ocpp 1.6
              2 | route StartTransation to owner
                |       ^^^^^^^^^^^^^^^ not an ocpp 1.6 action
              help: did you mean `StartTransaction`?

            """)
    }

    @Test("a trailing comma is reported where it stands, and the next line still parses")
    func trailingComma() throws {
        let diagnostics = Self.lint("backends billing\nroute Heartbeat to billing,\nroute Authorize to billing\nroute Reset to billing\n")
        let syntax = try #require(Self.only(.syntax, in: diagnostics))
        #expect(syntax.position == SourcePosition(line: 3, column: 27))
        #expect(syntax.message.hasSuffix("after `,`, found the end of the line"))
        // The third line was parsed: its wrong direction is found.
        #expect(diagnostics.contains { $0.code == .wrongDirection && $0.position.line == 5 })
    }

    @Test("a shadowed owner rule points at the rule that shadows it")
    func shadowedOwner() throws {
        let diagnostics = Self.lint("""
            owner fleet when idTag matches "F*"
            owner fleet when idTag matches "FLEET-*"
            owner billing otherwise
            route Authorize to owner

            """)
        let diagnostic = try #require(Self.only(.shadowedRule, in: diagnostics))
        #expect(diagnostic.message == "this owner rule for `fleet` can never match: every user it matches is owned by the earlier rule at line 2")
        #expect(diagnostic.notes.map(\.position.line) == [2])
        #expect(diagnostic.help?.contains("first match wins") == true)
    }

    @Test("overlapping owners name an idTag that matches both and who gets it")
    func overlappingOwners() throws {
        let diagnostics = Self.lint("""
            list staff = ["EMP-1", "FLEET-7"]
            owner fleet when idTag matches "FLEET-*"
            owner billing when idTag in staff
            owner billing otherwise
            route Authorize to owner

            """)
        let diagnostic = try #require(Self.only(.overlappingOwners, in: diagnostics))
        #expect(diagnostic.message == "idTag `FLEET-7` matches both this owner rule for `billing` and the one for `fleet` at line 3; it goes to `fleet`")
        #expect(diagnostic.position == SourcePosition(line: 4, column: 20))
    }

    @Test("the gateway names what it can answer")
    func gatewayCannotAnswer() throws {
        let diagnostic = try #require(Self.only(.gatewayCannotAnswer, in: Self.lint("route Authorize, Heartbeat to gateway\n")))
        #expect(diagnostic.message == "the gateway cannot answer `Authorize`: it needs a backend's answer")
        #expect(diagnostic.help?.contains("`Heartbeat`") == true)
        #expect(diagnostic.help?.contains("`BootNotification`") == true)
    }

    @Test("a conflicting command names both backends and the fix")
    func conflictingCommand() throws {
        let diagnostics = Self.lint("""
            allow billing ChangeConfiguration when key == "HeartbeatInterval"
            allow ems ChangeConfiguration when key == "heartbeatinterval"

            """)
        let diagnostic = try #require(Self.only(.conflictingCommand, in: diagnostics))
        #expect(diagnostic.message == "`ems` and `billing` (line 2) may both send `ChangeConfiguration`: the charge point keeps whichever comes last")
        #expect(diagnostic.help?.contains("its own key") == true)
    }

    @Test("messages are lowercase and never name internal types")
    func style() throws {
        let corpus = try CorpusCase.all()
        for diagnostic in corpus.flatMap({ $0.compile().diagnostics }) {
            let first = diagnostic.message.first!
            #expect(!first.isUppercase || diagnostic.message.hasPrefix("`"), "\(diagnostic.message)")
            for typeName in ["Resolved", "Formula", "Atom", "ActionSpec", "FieldType", "Optional(", "Identifier("] {
                #expect(!diagnostic.message.contains(typeName), "\(diagnostic.message)")
                #expect(!(diagnostic.help ?? "").contains(typeName), "\(diagnostic.help ?? "")")
            }
        }
    }
}
