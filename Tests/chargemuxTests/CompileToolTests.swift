import Testing
@testable import chargemux

@Suite("compile")
struct CompileToolTests {
    @Test("without --tree: one summary line; warnings go to standard error")
    func summary() {
        let output = CompileTool(path: Fixtures.linkingWorldPolicy).run()
        #expect(output.status == .ok)
        let pattern = /linking-world: ocpp 1\.6, 15 rules, 4 backends \(billing, fleet, visitors, ems\), hash [0-9a-f]{16}\n/
        #expect(output.stdout.wholeMatch(of: pattern) != nil, "\(output.stdout)")
        #expect(output.stderr.contains("warning[W102]"))
    }

    @Test("--tree prints both directions, groups, leaves with predicates, owners and redactions")
    func tree() throws {
        let output = CompileTool(path: Fixtures.linkingWorldPolicy, tree: true).run()
        #expect(output.status == .ok)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("backends: billing (primary), fleet, visitors, ems"))
        let toBackends = try #require(lines.firstIndex(of: "charge point → backends"))
        let toChargePoint = try #require(lines.firstIndex(of: "backends → charge point"))
        let owners = try #require(lines.firstIndex(of: "owners (first match wins)"))
        let redactions = try #require(lines.firstIndex(of: "redactions"))
        #expect(toBackends < toChargePoint && toChargePoint < owners && owners < redactions)
        #expect(lines.contains { $0.hasSuffix("site.policy:19  to fleet, answered by fleet  when vendorId == \"com.fleetco\"") })
        #expect(lines.contains { $0.hasSuffix("site.policy:16  to gateway") })
        #expect(lines.contains("    charge points matching \"CP-FLEET-*\""))
        #expect(lines.contains { $0.hasSuffix("site.policy:24  allow fleet") })
        #expect(lines.contains { $0.hasSuffix("site.policy:26  deny ems") })
        #expect(lines.contains { $0.hasSuffix("site.policy:10  fleet  when idTag matches \"FLEET-*\"") })
        #expect(lines.contains { $0.hasSuffix("site.policy:12  visitors  otherwise") })
        #expect(lines.contains("  BootNotification request (charge point's call)"))
        #expect(lines.contains { $0.hasPrefix("    ems       chargeBoxSerialNumber, iccid, imsi as drop (") })
        // Actions without rules are left out.
        #expect(!lines.contains("  FirmwareStatusNotification"))
    }

    @Test("response redactions are listed as the charge point's answer")
    func responseRedaction() throws {
        try Fixtures.withFiles(["small.policy": Fixtures.smallPolicy]) { folder in
            let output = CompileTool(path: folder + "/small.policy", tree: true).run()
            #expect(output.stdout.contains("  GetConfiguration response (charge point's answer)\n    billing  configurationKey.value as mask ("))
            #expect(output.stderr.isEmpty)
        }
    }

    @Test("a policy with errors prints them and exits 1")
    func errors() throws {
        try Fixtures.withFiles(["typo.policy": LintToolTests.typo]) { folder in
            let output = CompileTool(path: folder + "/typo.policy", tree: true).run()
            #expect(output.status == .findings)
            #expect(output.stdout.isEmpty)
            #expect(output.stderr.contains("error[E200]"))
            #expect(output.stderr.contains("1 error; run `chargemux lint` for details"))
        }
    }
}
