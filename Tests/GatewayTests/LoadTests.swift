import Foundation
import Gateway
import Testing

@Suite("loading files")
struct LoadTests {
    static let yaml = """
        listen:
          - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
        policy: site.policy
        backends:
          - { name: billing, url: ws://127.0.0.1:9001/ocpp }
        """

    @Test func loadsAndResolvesAgainstTheFilesFolder() throws {
        let directory = TemporaryDirectory(files: ["conf/site.policy"])
        directory.write("conf/gateway.yaml", Self.yaml)
        let config = try GatewayConfig.load(path: directory.path + "/conf/gateway.yaml", environment: [:])
        #expect(config.policyPath == directory.path + "/conf/site.policy")
        #expect(config.store == .sqlite(path: directory.path + "/conf/chargemux.db"))
    }

    @Test func errorsNameTheFileAsGiven() {
        let directory = TemporaryDirectory(files: [])
        let path = directory.path + "/gateway.yaml"
        directory.write("gateway.yaml", Self.yaml)
        #expect {
            try GatewayConfig.load(path: path, environment: [:])
        } throws: { error in
            let error = try #require(error as? ConfigError)
            return error.file == path && error.code == .fileNotFound && error.line == 3 && error.column == 9
        }
    }

    @Test func missingFile() {
        let directory = TemporaryDirectory(files: [])
        let path = directory.path + "/nope.yaml"
        #expect {
            try GatewayConfig.load(path: path, environment: [:])
        } throws: { error in
            let error = try #require(error as? ConfigError)
            return error.code == .fileNotFound && error.line == 0 && error.file == path
                && error.description == "\(path): error[config]: configuration file `\(path)` not found at `\(path)`"
        }
    }

    @Test func folderIsNotAConfigFile() {
        let directory = TemporaryDirectory(files: [])
        #expect {
            try GatewayConfig.load(path: directory.path, environment: [:])
        } throws: { error in
            (error as? ConfigError)?.code == .unreadableFile
        }
    }

    @Test func nonUTF8FileIsUnreadable() throws {
        let directory = TemporaryDirectory(files: [])
        let path = directory.path + "/gateway.yaml"
        try Data([0x70, 0x6F, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        #expect {
            try GatewayConfig.load(path: path, environment: [:])
        } throws: { error in
            (error as? ConfigError)?.message == "the configuration file `\(path)` is not utf-8 text"
        }
    }
}
