import Testing
@testable import PolicyLang

/// The reasoning behind the checks, one small policy at a time: what counts as shadowed,
/// overlapping, disjoint or covered, and what does not.
@Suite("semantic checks")
struct CheckTests {
    static func codes(_ body: String, version: String = "1.6") -> [String] {
        DiagnosticMessageTests.lint(body, version: version).map { "\($0.code)@\($0.position.line)" }
    }

    // MARK: W100 owner rules

    @Test("owner rules covered by earlier ones", arguments: [
        ("owner a when idTag in [\"X1\", \"X2\", \"X3\"]\nowner b when idTag in [\"x2\", \"X3\"]\n", "W100@3"),
        ("owner a when idTag matches \"EMP-*\"\nowner b when idTag == \"emp-7\"\n", "W100@3"),
        ("owner a when idTag == \"A\"\nowner b when idTag == \"B\"\nowner c when idTag in [\"A\", \"B\"]\n", "W100@4"),
        ("owner a when idTag matches \"A*\"\nowner b when idTag matches \"AB*\" and connectorId == 2\n", "W100@3"),
        ("owner a when connectorId == 1 and idTag matches \"X*\"\nowner b when idTag matches \"X*\" and connectorId == 1\n", "W100@3"),
        ("owner a when chargePoint matches \"CP-*\"\nowner b when chargePoint == \"CP-7\"\n", "W100@3"),
        ("owner a when connectorId > 1\nowner b when connectorId >= 3\n", "W100@3"),
        ("owner a when idTag matches \"A*\" or idTag matches \"B*\"\nowner b when idTag in [\"a1\", \"b2\"]\n", "W100@3"),
    ])
    func shadowed(rules: String, expected: String) {
        #expect(Self.codes(rules + "owner a otherwise\nroute Authorize to owner\n").contains(expected))
    }

    @Test("owner rules that still match someone", arguments: [
        "owner a when idTag matches \"AB*\"\nowner b when idTag matches \"A*\"\n",
        "owner a when idTag in [\"X1\", \"X2\"]\nowner b when idTag in [\"X2\", \"X3\"]\n",
        "owner a when idTag matches \"A*\" and connectorId == 1\nowner b when idTag matches \"AB*\"\n",
        "owner a when idTag matches \"A?\"\nowner b when idTag matches \"A*\"\n",
        "owner a when not idTag matches \"A*\"\nowner b when idTag == \"B\"\n",
        "owner a when connectorId > 3\nowner b when connectorId >= 3\n",
    ])
    func notShadowed(rules: String) {
        #expect(!Self.codes(rules + "owner a otherwise\nroute Authorize to owner\n").contains { $0.hasPrefix("W100") })
    }

    @Test("an empty list shadows nothing and is not shadowed")
    func emptyList() {
        let codes = Self.codes("list none = []\nowner a when idTag matches \"*\"\nowner b when idTag in none\nowner a otherwise\nroute Authorize to owner\n")
        #expect(codes.contains("W108@2"))
        #expect(!codes.contains("W100@4"))
    }

    // MARK: W105

    @Test("overlaps for the same backend, or set apart by another condition, are fine", arguments: [
        "owner a when idTag matches \"A*\"\nowner a when idTag matches \"*Z\"\n",
        "owner a when idTag matches \"A*\" and connectorId == 1\nowner b when idTag matches \"*Z\" and connectorId == 2\n",
        "owner a when idTag matches \"A*\"\nowner b when idTag matches \"B*\"\n",
        "owner a when idTag == \"X\"\nowner b when idTag in [\"Y\", \"Z\"]\n",
    ])
    func noOverlap(rules: String) {
        #expect(!Self.codes(rules + "owner a otherwise\nroute Authorize to owner\n").contains { $0.hasPrefix("W105") })
    }

    // MARK: E301

    @Test("responders on a path through arrays can meet: two sampled values in one message")
    func multiValuedPath() {
        let codes = Self.codes("""
            route MeterValues to a when meterValue.sampledValue.measurand == "Voltage" answered by a
            route MeterValues to b when meterValue.sampledValue.measurand == "Power.Active.Import" answered by b

            """)
        #expect(codes == ["E301@3"])
    }

    @Test("responders set apart by numbers, charge points or a field the action lacks", arguments: [
        "route StatusNotification to a when connectorId > 2 answered by a\nroute StatusNotification to b when connectorId <= 2 answered by b\n",
        "route StatusNotification to a when connectorId in [1, 2] answered by a\nroute StatusNotification to b when connectorId == 3 answered by b\n",
        "route Heartbeat to a when chargePoint == \"CP-1\" answered by a\nroute Heartbeat to b when chargePoint matches \"CP-2*\" answered by b\n",
        "route DataTransfer, Heartbeat to a when vendorId == \"x\" answered by a\nroute Heartbeat to b answered by b\n",
        "route Heartbeat to a when chargePoint != \"CP-1\" answered by a\nroute Heartbeat to b when chargePoint == \"CP-1\" answered by b\n",
    ])
    func disjointResponders(rules: String) {
        #expect(!Self.codes(rules).contains { $0.hasPrefix("E301") })
    }

    @Test("one conflict per rule, against the earliest rule it meets")
    func oneConflictPerRule() {
        let codes = Self.codes("""
            route Heartbeat, BootNotification to a answered by a
            route Heartbeat, BootNotification to b answered by b
            route Heartbeat to c answered by c

            """)
        #expect(codes == ["E301@3", "E301@4"])
    }

    // MARK: W101

    @Test("allows a deny overrides", arguments: [
        ("allow a UnlockConnector when connectorId == 1\ndeny a UnlockConnector when connectorId in [1, 2]\n", true),
        ("allow a UnlockConnector when connectorId == 1 and chargePoint == \"CP-1\"\ndeny a UnlockConnector when connectorId < 2\n", true),
        ("allow a, b Reset\ndeny all Reset\n", true),
        ("deny a Reset\nallow a Reset, UnlockConnector\ndeny a UnlockConnector\n", true),
        ("allow a UnlockConnector when connectorId == 1\ndeny a UnlockConnector when connectorId == 2\n", false),
        ("allow a Reset\ndeny a Reset when chargePoint matches \"CP-*\"\n", false),
        ("allow a, b Reset\ndeny a Reset\n", false),
    ])
    func coveredAllow(rules: String, covered: Bool) {
        #expect(Self.codes(rules).contains { $0.hasPrefix("W101") } == covered)
    }

    // MARK: W106

    @Test("station-wide commands in 2.0.1")
    func commands201() {
        let codes = Self.codes("""
            allow a SetVariables, Reset
            allow b SetVariables
            allow b Reset
            deny b Reset

            """, version: "2.0.1")
        #expect(codes.filter { $0.hasPrefix("W106") } == ["W106@3"])
    }

    @Test("a deny that applies only sometimes leaves the conflict")
    func partialDeny() {
        let codes = Self.codes("allow a Reset\nallow b Reset\ndeny b Reset when chargePoint matches \"CP-LAB-*\"\n")
        #expect(codes.contains("W106@3"))
    }
}
