import Foundation
import Gateway
import Testing

/// Real read-only and full file systems, which root (who ignores file permissions) cannot write
/// either: each test runs `chargemux store-selftest` in a private mount namespace (`unshare -m`),
/// over the test's own folder. Skipped where mount namespaces are not allowed.
@Suite("Store: read-only and full file systems", .enabled(if: MountNamespace.available))
struct StoreFileSystemTests {
    @Test("a read-only file system: a new store cannot be created (unwritable)")
    func readOnlyNewStore() throws {
        let fixture = StoreFixture()
        let result = try MountNamespace.run("mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && exec \"$2\" store-selftest --path \"$1/store.db\" --count 3",
                                            folder: fixture.directory.path)
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("store error [unwritable]: cannot open the store"), "\(result.stderr)")
    }

    @Test("a read-only file system under an existing store: writes fail as unwritable, nothing is acknowledged")
    func readOnlyExistingStore() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        _ = try await store.append(meterDraft(0))
        try await store.close()
        let result = try MountNamespace.run("mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && exec \"$2\" store-selftest --path \"$1/store.db\" --count 3",
                                            folder: fixture.directory.path)
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("store error [unwritable]"), "\(result.stderr)")
    }

    @Test("a full disk (a 256 KiB tmpfs): appends stop with storage-full, and every acknowledged append is still there")
    func diskFull() throws {
        let fixture = StoreFixture()
        let result = try MountNamespace.run("""
            mount -t tmpfs -o size=256k tmpfs "$1" || exit 9
            "$2" store-selftest --path "$1/store.db" --count 100000
            echo "status $?"
            "$2" store-selftest --path "$1/store.db" --list
            """, folder: fixture.directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("store error [storage-full]: cannot queue messages (database or disk is full)"), "\(result.stderr)")
        let parts = result.stdout.components(separatedBy: "status 1\n")
        try #require(parts.count == 2, "\(result.stdout)")
        let acknowledged = parts[0].split(separator: "\n").compactMap { Int64($0) }
        let stored = parts[1].split(separator: "\n").compactMap { Int64($0) }
        #expect(acknowledged.count > 0 && acknowledged.count < 100_000)
        #expect(stored.sorted() == acknowledged)
    }
}

/// `unshare -m`: a private mount namespace for one shell script.
enum MountNamespace {
    /// Whether `unshare -m` works here (root with CAP_SYS_ADMIN, Linux) and the executable is built.
    static let available: Bool = {
        guard chargemuxExecutable != nil, let result = try? run("mount -t tmpfs tmpfs \"$1\"", folder: NSTemporaryDirectory()) else {
            return false
        }
        return result.status == 0
    }()

    /// Runs `script` with `$1` the folder and `$2` the chargemux binary, in a private mount namespace.
    static func run(_ script: String, folder: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try runToExit("/usr/bin/env", ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", folder,
                                       chargemuxExecutable ?? "chargemux"])
    }
}
