@testable import Gateway
import Testing

@Suite("paths")
struct PathTests {
    @Test(arguments: [
        ("site.policy", "/etc/chargemux", "/etc/chargemux/site.policy"),
        ("./policies/../site.policy", "/etc/chargemux", "/etc/chargemux/site.policy"),
        ("../shared/site.policy", "/etc/chargemux", "/etc/shared/site.policy"),
        ("/opt/site.policy", "/etc/chargemux", "/opt/site.policy"),
        ("a//b/./c", "/x/", "/x/a/b/c"),
        ("../../../../x", "/a", "/x"),
    ])
    func resolve(path: String, base: String, expected: String) {
        #expect(PathResolver.resolve(path, against: base) == expected)
    }

    @Test(arguments: [("/a/b/c.yaml", "/a/b"), ("/c.yaml", "/"), ("/a/./b/../c.yaml", "/a")])
    func directory(path: String, expected: String) {
        #expect(PathResolver.directory(of: path) == expected)
    }

    @Test func relativePathsResolveAgainstTheConfigFolder() throws {
        let directory = TemporaryDirectory(files: ["etc/site.policy", "etc/tls/gateway.pem", "etc/tls/gateway.key",
                                                   "shared/ca.pem"])
        let yaml = """
            listen:
              - address: 127.0.0.1:8180
                securityProfile: 3
                tls:
                  certificate: tls/gateway.pem
                  privateKey: ./tls/../tls/gateway.key
                  clientCA: ../shared/ca.pem
            policy: site.policy
            store: sqlite:state/gw.db
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """
        let config = try GatewayConfig.parse(yaml: yaml, file: "gateway.yaml", baseDirectory: directory.path + "/etc",
                                             environment: [:])
        #expect(config.policyPath == directory.path + "/etc/site.policy")
        #expect(config.store == .sqlite(path: directory.path + "/etc/state/gw.db"))
        let tls = try #require(config.listeners.first?.tls)
        #expect(tls.certificate == directory.path + "/etc/tls/gateway.pem")
        #expect(tls.privateKey == directory.path + "/etc/tls/gateway.key")
        #expect(tls.clientCA == directory.path + "/shared/ca.pem")
    }

    @Test func absolutePathsAreKept() throws {
        let other = TemporaryDirectory(files: ["elsewhere.policy"])
        let yaml = """
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
            policy: \(other.path)/elsewhere.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """
        let config = try #require(parseValid(yaml))
        #expect(config.policyPath == other.path + "/elsewhere.policy")
    }

    @Test func missingPolicyNamesWrittenAndResolvedPaths() {
        let directory = TemporaryDirectory(files: [])
        expectError("""
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
            policy: ↓policies/../site.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .fileNotFound, keyPath: "policy",
            message: "file `policies/../site.policy` for `policy` not found at `\(directory.path)/site.policy`",
            help: "relative paths are resolved against the configuration's folder `\(directory.path)`", in: directory)
    }

    @Test func policyMustBeAFile() {
        let directory = TemporaryDirectory(folders: ["site.policy.d"])
        expectError("""
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
            policy: ↓site.policy.d
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .invalidValue, keyPath: "policy",
            message: "`policy` names the folder `\(directory.path)/site.policy.d`, not a file", in: directory)
    }

    @Test func temporaryDirectoryIsRemoved() {
        var directory: TemporaryDirectory? = TemporaryDirectory()
        let path = directory?.path ?? ""
        #expect(directory?.exists == true)
        directory = nil
        #expect(!TemporaryDirectoryProbe.exists(path))
    }
}

/// Checks a path after its ``TemporaryDirectory`` is gone.
enum TemporaryDirectoryProbe {
    static func exists(_ path: String) -> Bool { FileSystemProbe().entry(at: path) != .missing }
}
