import Foundation
@testable import Gateway
import NIOCore
import NIOSSL
import Testing

/// Security profiles 2 and 3 on the backend side: the connector against the gateway's own listener
/// serving TLS on loopback (`wss://127.0.0.1:PORT`, so no SNI and the IP SAN is checked).
@Suite(.timeLimit(.minutes(1)))
struct BackendTLSTests {
    typealias F = TransportFixtures
    typealias Recorder = BackendConnectorTests.RecordingConnectorDelegate

    static let backendPassword = "backend-Password-789"

    /// A TLS "backend": the listener on `profile`, CN = id for profile 3.
    private func backendServer(_ profile: GatewayConfig.SecurityProfile, pki: TestPKI) async throws -> ListenerHarness {
        let server = try pki.server()
        let tls = GatewayConfig.ListenerTLS(certificate: server.certificatePath, privateKey: server.keyPath,
                                            clientCA: profile == .mutualTLS ? pki.caPath : nil)
        let chargePoints: [GatewayConfig.ChargePointCredential] = profile == .mutualTLS
            ? [.init(id: "CP-*", credential: .certificateOnly)]
            : [.init(id: "CP-*", credential: .password(Secret(Self.backendPassword)))]
        return try await ListenerHarness.start(
            config: F.config(securityProfile: profile, chargePoints: chargePoints, tls: tls))
    }

    private func backend(port: Int, profile: GatewayConfig.SecurityProfile, tls: GatewayConfig.BackendTLS) -> GatewayConfig.Backend {
        GatewayConfig.Backend(
            name: "csms", url: URL(string: "wss://127.0.0.1:\(port)/ocpp")!, ocppVersion: .v16,
            securityProfile: profile, password: profile == .tlsBasicAuth ? Secret(Self.backendPassword) : nil, tls: tls)
    }

    private func connect(_ backend: GatewayConfig.Backend, id: String = "CP-1", logs: LogCapture = LogCapture())
        throws -> (BackendConnector, Recorder) {
        let delegate = Recorder()
        let connector = try BackendConnector(
            backend: backend, chargePointId: id, version: .v16, eventLoop: F.group.next(),
            options: .init(backoff: BackendConnectorTests.fastBackoff, handshakeTimeout: .seconds(2),
                           closeTimeout: .milliseconds(500)),
            logger: logs.logger, delegate: delegate)
        connector.start()
        return (connector, delegate)
    }

    /// Waits until the connector has counted at least two failed attempts.
    static func waitForFailures(_ connector: BackendConnector) async throws {
        for _ in 0..<250 {
            if try await connector.failureCount().get() >= 2 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the connector did not fail twice")
    }

    @Test func profile2VerifiesTheServerAndSendsThePassword() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await backendServer(.tlsBasicAuth, pki: pki)
        let (connector, delegate) = try connect(backend(port: server.port, profile: .tlsBasicAuth, tls: .init(ca: pki.caPath)))
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        #expect(try await server.delegate().identity.id == "CP-1")
        #expect(connector.send(text: "ping over tls"))
        try await waitUntil("the echo") { delegate.received == ["echo:ping over tls"] }
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func profile2RefusesAServerCertificateFromAnotherCA() async throws {
        let pki = try TestPKI()
        let otherCA = try TestPKI(name: "Other CA", directory: pki.directory + "-other")
        defer { pki.remove(); otherCA.remove() }
        let server = try await backendServer(.tlsBasicAuth, pki: pki)
        let (connector, delegate) = try connect(backend(port: server.port, profile: .tlsBasicAuth, tls: .init(ca: otherCA.caPath)))
        try await Self.waitForFailures(connector)
        #expect(delegate.connectedCount == 0)
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func insecureSkipVerifyConnectsAnywayAndWarnsAtStart() async throws {
        let pki = try TestPKI()
        let otherCA = try TestPKI(name: "Other CA", directory: pki.directory + "-other")
        defer { pki.remove(); otherCA.remove() }
        let server = try await backendServer(.tlsBasicAuth, pki: pki)
        let backend = backend(port: server.port, profile: .tlsBasicAuth, tls: .init(ca: otherCA.caPath, insecureSkipVerify: true))
        let logs = LogCapture()
        let contexts = TLSContexts(config: F.config(backends: [backend]), logger: logs.logger)
        try contexts.load()
        #expect(logs.text.contains("NOT verified"))
        let (connector, delegate) = try connect(backend)
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func profile3PresentsTheBackendsClientCertificate() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await backendServer(.mutualTLS, pki: pki)
        let client = try pki.client("CP-1")
        let (connector, delegate) = try connect(backend(
            port: server.port, profile: .mutualTLS,
            tls: .init(ca: pki.caPath, certificate: client.certificatePath, privateKey: client.keyPath)))
        try await waitUntil("connected") { delegate.connectedCount == 1 }
        #expect(try await server.delegate().identity.securityProfile == .mutualTLS)
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func profile3PicksThePerChargePointCertificateFromCertificateDir() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await backendServer(.mutualTLS, pki: pki)
        let directory = pki.directory + "/per-cp"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for id in ["CP-1", "CP-2"] {
            let issued = try pki.client(id)
            try FileManager.default.copyItem(atPath: issued.certificatePath, toPath: "\(directory)/\(id).pem")
            try FileManager.default.copyItem(atPath: issued.keyPath, toPath: "\(directory)/\(id).key")
        }
        let backend = backend(port: server.port, profile: .mutualTLS, tls: .init(ca: pki.caPath, certificateDir: directory))
        let (first, firstDelegate) = try connect(backend, id: "CP-1")
        let (second, secondDelegate) = try connect(backend, id: "CP-2")
        try await waitUntil("both connected") { firstDelegate.connectedCount == 1 && secondDelegate.connectedCount == 1 }
        #expect(Set(server.listener.registry.all.map(\.chargePointId)) == ["CP-1", "CP-2"])
        #expect(throws: TLSSetupError.missingChargePointCertificate(directory: directory, chargePointId: "CP-3")) {
            _ = try BackendConnector(backend: backend, chargePointId: "CP-3", version: .v16, eventLoop: F.group.next(),
                                     logger: LogCapture().logger)
        }
        try await first.stop().get()
        try await second.stop().get()
        await server.shutdown()
    }

    @Test func profile3ServerRefusesTheWrongClientCertificate() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await backendServer(.mutualTLS, pki: pki)
        let client = try pki.client("CP-2")
        let (connector, delegate) = try connect(backend(
            port: server.port, profile: .mutualTLS,
            tls: .init(ca: pki.caPath, certificate: client.certificatePath, privateKey: client.keyPath)), id: "CP-1")
        try await Self.waitForFailures(connector)
        #expect(delegate.connectedCount == 0)
        try await connector.stop().get()
        await server.shutdown()
    }

    @Test func anExpiredClientCertificateIsRefusedWithItsDates() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let expired = try pki.client("CP-1", file: "expired", notBefore: Date().addingTimeInterval(-86_400 * 10),
                                     notAfter: Date().addingTimeInterval(-86_400))
        let backend = backend(port: 1, profile: .mutualTLS,
                              tls: .init(ca: pki.caPath, certificate: expired.certificatePath, privateKey: expired.keyPath))
        #expect {
            _ = try BackendConnector(backend: backend, chargePointId: "CP-1", version: .v16, eventLoop: F.group.next(),
                                     logger: LogCapture().logger)
        } throws: { error in
            "\(error)".hasPrefix("\(expired.certificatePath): certificate expired on ")
        }
    }
}
