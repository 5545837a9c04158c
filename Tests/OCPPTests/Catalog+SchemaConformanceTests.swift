import Foundation
import OCPP
import Testing

/// Every official schema file against the catalog, compared member by member.
///
/// The schemas live outside the repository (`../shared/ocpp-schemas`); the catalog itself never
/// reads them. If they are missing, the test fails rather than passing without checking anything.
@Suite("Catalog matches the official schemas")
struct CatalogSchemaConformanceTests {
    /// `<repository>/../shared/ocpp-schemas`, found from this file's location.
    static var schemaRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // OCPPTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
            .appendingPathComponent("../shared/ocpp-schemas")
            .standardizedFileURL
    }

    @Test("every schema file matches its catalog action", arguments: OCPPVersion.allCases)
    func conformance(version: OCPPVersion) throws {
        let folder = Self.schemaRoot.appendingPathComponent(version == .v16 ? "v16" : "v201")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            Issue.record("the OCPP schemas are missing: expected them in \(folder.path)")
            return
        }
        let catalog = OCPPCatalog.forVersion(version)
        let files = names.filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count == catalog.actions.count * 2, "two schema files per action")
        var checkedActions: Set<String> = []
        for file in files {
            let (action, isResponse) = Self.action(of: file, version: version)
            guard let spec = catalog.action(named: action) else {
                Issue.record("\(file): the catalog has no action \(action)")
                continue
            }
            checkedActions.insert(action)
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let expected = try SchemaFlattener.flatten(document: JSONValue(parsing: text))
            let actual = SchemaFlattener.flatten(schema: isResponse ? spec.response : spec.request)
            #expect(actual == expected, "\(file): \(Self.difference(expected: expected, actual: actual))")
            let root = isResponse ? spec.response : spec.request
            #expect(root.allowsAdditionalFields == false, "\(file): the payload object is closed")
        }
        #expect(checkedActions.count == catalog.actions.count)
    }

    /// The action a schema file describes and whether it is the response schema.
    static func action(of file: String, version: OCPPVersion) -> (String, Bool) {
        let stem = String(file.dropLast(".json".count))
        if stem.hasSuffix("Response") { return (String(stem.dropLast("Response".count)), true) }
        if version == .v201, stem.hasSuffix("Request") { return (String(stem.dropLast("Request".count)), false) }
        return (stem, false)
    }

    /// The paths that differ, for a readable failure message.
    static func difference(expected: [String: String], actual: [String: String]) -> String {
        let paths = Set(expected.keys).union(actual.keys).sorted()
        return paths.compactMap { path in
            guard expected[path] != actual[path] else { return nil }
            return "\(path): schema \(expected[path] ?? "absent"), catalog \(actual[path] ?? "absent")"
        }.joined(separator: "; ")
    }
}
