import Foundation
import OCPP
import Runtime
import Testing
@testable import PolicyLang

/// Parser, resolver, checker and compiler never trap: random and mutated policies end in
/// diagnostics or in a compiled policy, and a compiled policy routes a StartTransaction.
///
/// The inputs are drawn from a seeded generator, so a failure reproduces: the issue names the
/// case, and `FuzzTests.input(case:)` rebuilds it.
@Suite("fuzzing the front end")
struct FuzzTests {
    static let linkingWorld = (try? String(contentsOfFile: Fixtures.examplePath("linking-world/site.policy"), encoding: .utf8)) ?? ""
    static let employees = (try? String(contentsOfFile: Fixtures.examplePath("linking-world/employees.txt"), encoding: .utf8)) ?? ""

    static let vocabulary: [String] = [
        "policy", "\"fuzz\"", "for", "ocpp", "1.6", "2.0.1", "list", "primary", "backends", "owner", "route", "allow", "deny",
        "redact", "when", "otherwise", "to", "answered", "by", "in", "as", "from", "file", "all", "gateway", "and", "or", "not",
        "matches", "true", "false", "drop", "mask", "hash", "@name(\"r\")", "@", "name", "(", ")", "[", "]", ",", ".", "==",
        "!=", "<", "<=", ">", ">=", "=", "!", "\"", "\"FLEET-*\"", "\"*\"", "\"\"", "\"a\\q\"", "\"EMP-?\"", "0", "1", "-3",
        "2.5", "12x", "99999999999999999999", "billing", "ems", "fleet", "visitors", "employees", "vips", "idTag", "chargePoint",
        "connectorId", "vendorId", "key", "meterValue.sampledValue.measurand", "csChargingProfiles.chargingProfilePurpose",
        "\"ChargePointMaxProfile\"", "\"TxProfile\"", "StartTransaction", "StopTransaction", "Authorize", "BootNotification",
        "Heartbeat", "MeterValues", "DataTransfer", "StatusNotification", "Reset", "ChangeConfiguration", "SetChargingProfile",
        "SendLocalList", "UpdateFirmware", "RemoteStartTransaction", "TransactionEvent", "SetVariables", "\n", "\n", "\n", "#",
        "é", "“", "\t", "\u{0}",
    ]

    /// The `index`-th input: random bytes, random tokens, or a mutated linking-world policy.
    static func input(case index: Int) -> String {
        var rng = SplitMix64(seed: UInt64(index) &* 0x5851_F42D_4C95_7F2D &+ 1)
        switch index % 4 {
        case 0:
            let bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let header = Bool.random(using: &rng) ? "policy \"fuzz\" for ocpp 1.6\n" : ""
            return header + String(decoding: bytes, as: UTF8.self)
        case 1:
            let version = Bool.random(using: &rng) ? "1.6" : "2.0.1"
            let words = (0..<Int.random(in: 0...80, using: &rng)).map { _ in vocabulary.randomElement(using: &rng)! }
            return "policy \"fuzz\" for ocpp \(version)\n" + words.joined(separator: " ")
        default:
            return mutate(linkingWorld, &rng)
        }
    }

    /// Deletes, duplicates, swaps, replaces and inserts words, or cuts the text short.
    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var tokens = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            guard !tokens.isEmpty else { break }
            let at = Int.random(in: 0..<tokens.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: tokens.remove(at: at)
            case 1: tokens.insert(tokens[at], at: at)
            case 2: tokens.swapAt(at, Int.random(in: 0..<tokens.count, using: &rng))
            case 3: tokens[at] = vocabulary.randomElement(using: &rng)!
            case 4: tokens.insert(vocabulary.randomElement(using: &rng)!, at: at)
            case 5:
                var characters = Array(tokens[at])
                if !characters.isEmpty { characters.remove(at: Int.random(in: 0..<characters.count, using: &rng)) }
                tokens[at] = String(characters)
            default:
                let joined = tokens.joined(separator: " ")
                let cut = joined.index(joined.startIndex, offsetBy: Int.random(in: 0...joined.count, using: &rng))
                tokens = String(joined[..<cut]).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            }
        }
        return tokens.joined(separator: " ")
    }

    static let startTransaction: JSONValue = .object(JSONObject([
        ("connectorId", .integer(1)), ("idTag", .string("FLEET-0042")), ("meterStart", .integer(0)),
        ("timestamp", .string("2024-05-01T08:00:00Z")),
    ]))

    /// 3,000 by default (a few seconds in a debug build); `CHARGEMUX_FUZZ_CASES=100000` for a long run.
    static let count = ProcessInfo.processInfo.environment["CHARGEMUX_FUZZ_CASES"].flatMap(Int.init) ?? 3_000

    @Test("random and mutated policies give diagnostics or a policy, never a trap")
    func neverTraps() {
        var compiledCount = 0
        var failures: [String] = []
        let employees = Self.employees
        for index in 0..<Self.count {
            let text = Self.input(case: index)
            let source = SourceFile(path: "fuzz.policy", text: text)
            let compilation = PolicyPipeline.compile(source: source, readListFile: { path in
                if path.hasSuffix("employees.txt") { return employees }
                throw CocoaError(.fileNoSuchFile)
            })
            _ = DiagnosticRenderer(sources: [source]).render(compilation.diagnostics)
            if compilation.hasErrors != (compilation.compiled == nil) { failures.append("case \(index)") }
            if compilation.diagnostics.isEmpty, compilation.compiled == nil { failures.append("case \(index): nothing") }
            if let policy = compilation.compiled {
                compiledCount += 1
                let context = MessageContext(chargePoint: "CP-FLEET-01")
                _ = policy.route(action: "StartTransaction", payload: Self.startTransaction, context: context, trace: true)
                _ = policy.authorize(backend: 0, action: "Reset", payload: .object(JSONObject([("type", .string("Soft"))])),
                                     context: context)
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
        // The mutations keep a fair share of policies valid, so the compiler and evaluation run too.
        #expect(compiledCount > Self.count / 20, "only \(compiledCount) compiled")
        if ProcessInfo.processInfo.environment["CHARGEMUX_FUZZ_CASES"] != nil { print("fuzz: \(compiledCount) of \(Self.count) compiled") }
    }

    @Test("extreme shapes: deep nesting, long chains, long lines", arguments: [
        "route Heartbeat to a when " + String(repeating: "(", count: 5_000) + "connectorId == 1" + String(repeating: ")", count: 5_000),
        "route Heartbeat to a when " + String(repeating: "not ", count: 5_000) + "chargePoint == \"CP-1\"",
        "route StatusNotification to a when " + Array(repeating: "connectorId == 1", count: 3_000).joined(separator: " and "),
        "owner a when " + (0..<2_000).map { "idTag == \"T\($0)\"" }.joined(separator: " or ") + "\nowner b when idTag matches \"T1*\"",
        "route Heartbeat to " + Array(repeating: "a", count: 5_000).joined(separator: ", "),
        String(repeating: "(", count: 50_000),
        "owner a when idTag matches \"" + String(repeating: "*?", count: 400) + "\"\nowner b when idTag matches \""
            + String(repeating: "?*", count: 400) + "X\"",
        "owner a when idTag matches \"" + String(repeating: "*?", count: 100) + "\"\nowner b when idTag matches \""
            + String(repeating: "?*", count: 100) + "X\"\nowner c when idTag matches \"" + String(repeating: "a*", count: 120) + "\"",
    ])
    func extremeShapes(body: String) {
        let source = SourceFile(path: "extreme.policy", text: "policy \"x\" for ocpp 1.6\n" + body + "\n")
        let compilation = PolicyPipeline.compile(source: source)
        #expect(compilation.hasErrors == (compilation.compiled == nil))
    }

    @Test("the generator is deterministic")
    func deterministic() {
        #expect(Self.input(case: 17) == Self.input(case: 17))
        #expect(Self.input(case: 2) != Self.input(case: 6))
    }
}
