import Foundation
import Gateway
import Testing

@Suite("policy store")
struct PolicyStoreTests {
    /// A temporary policy file that the test rewrites.
    final class PolicyFile {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-store-\(UUID().uuidString)")
        var path: String { directory.appendingPathComponent("site.policy").path }

        init(_ text: String) throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try write(text)
        }

        func write(_ text: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }

        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    static let valid = """
        policy "store" for ocpp 1.6
        route Heartbeat to gateway
        route Authorize to billing
        """

    @Test("a valid reload replaces the policy and raises the generation")
    func validReload() throws {
        let file = try PolicyFile(Self.valid)
        let store = try PolicyStore(path: file.path, backendNames: ["billing", "ems"])
        #expect(store.current.generation == 1)
        #expect(store.current.policy.rules.count == 2)
        try file.write(Self.valid + "\nroute StartTransaction to billing\n")
        let reloaded = try store.reload()
        #expect(reloaded.generation == 2)
        #expect(store.current.policy.rules.count == 3)
    }

    @Test("an invalid reload is refused with its diagnostics and the old policy keeps running")
    func invalidReload() throws {
        let file = try PolicyFile(Self.valid)
        let store = try PolicyStore(path: file.path, backendNames: ["billing"])
        try file.write(Self.valid + "\nroute StartTransation to billing\n")
        #expect {
            try store.reload()
        } throws: { error in
            guard let error = error as? PolicyStore.LoadError else { return false }
            return error.rendered.contains("error[E200]") && error.rendered.contains("did you mean `StartTransaction`?")
        }
        #expect(store.current.generation == 1)
        #expect(store.current.policy.rules.count == 2)
    }

    @Test("a backend the policy names but the config lacks refuses the load")
    func unknownBackend() throws {
        let file = try PolicyFile(Self.valid)
        #expect(throws: PolicyStore.LoadError.self) { try PolicyStore(path: file.path, backendNames: ["ems"]) }
    }
}
