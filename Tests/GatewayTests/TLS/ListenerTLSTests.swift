import Foundation
import Gateway
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// Security profiles 2 and 3 on the charge point side, over real loopback TLS with certificates
/// the tests make themselves (``TestPKI``).
@Suite(.timeLimit(.minutes(1)))
struct ListenerTLSTests {
    typealias F = TransportFixtures

    /// A TLS listener on `profile` with a fresh CA; `chargePoints` default to F's.
    private func start(
        _ profile: GatewayConfig.SecurityProfile, pki: TestPKI,
        certificateIds: [String: String] = [:], requireOrganization: String? = nil,
        chargePoints: [GatewayConfig.ChargePointCredential]? = nil
    ) async throws -> ListenerHarness {
        let server = try pki.server()
        let tls = GatewayConfig.ListenerTLS(
            certificate: server.certificatePath, privateKey: server.keyPath,
            clientCA: profile == .mutualTLS ? pki.caPath : nil,
            certificateIds: certificateIds, requireOrganization: requireOrganization)
        return try await ListenerHarness.start(config: F.config(securityProfile: profile, chargePoints: chargePoints, tls: tls))
    }

    private static let certificateChargePoints: [GatewayConfig.ChargePointCredential] = [
        .init(id: "CP-1", credential: .certificateOnly),
        .init(id: "CP-2", credential: .certificateOnly),
    ]

    /// Expects the connection to end without any HTTP answer (a failed TLS handshake).
    private func expectHandshakeFailure(_ client: TestWebSocketClient) async throws {
        try await client.waitUntilClosed()
        #expect(!client.events.all.contains { if case .refused = $0 { true } else { false } })
        #expect(!client.events.all.contains { if case .upgraded = $0 { true } else { false } })
    }

    // MARK: - Profile 2: TLS + Basic auth

    @Test func profile2AcceptsThePasswordOverTLS() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let harness = try await start(.tlsBasicAuth, pki: pki)
        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", F.password),
            tls: pki.clientTrusting())
        #expect(try await client.upgradeResponse().status == .switchingProtocols)
        let delegate = try await harness.delegate()
        #expect(delegate.identity.securityProfile == .tlsBasicAuth)
        try await client.send(.text, Array("hello".utf8))
        #expect(try await client.texts(count: 1) == ["echo:hello"])
        await client.close()
        await harness.shutdown()
    }

    @Test func profile2AcceptsTLS13And12Only() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let harness = try await start(.tlsBasicAuth, pki: pki)
        var tls12 = try pki.clientTrusting(maximumVersion: .tlsv12)
        tls12.cipherSuiteValues = [.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]
        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", F.password), tls: tls12)
        #expect(try await client.upgradeResponse().status == .switchingProtocols)
        await client.close()

        var tls11 = try pki.clientTrusting(maximumVersion: .tlsv11)
        tls11.minimumTLSVersion = .tlsv1
        let old = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", F.password), tls: tls11)
        try await expectHandshakeFailure(old)
        try await waitUntil("the refusal to be logged") { harness.logs.text.contains("tls handshake failed") }
        await harness.shutdown()
    }

    @Test func profile2RefusesWrongPasswordMissingCredentialsAndUnknownIds() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let harness = try await start(.tlsBasicAuth, pki: pki)
        let cases: [(String, String?, HTTPResponseStatus)] = [
            ("/ocpp/CP-1", F.basic("CP-1", "wrong-password-000"), .unauthorized),
            ("/ocpp/CP-1", nil, .unauthorized),
            ("/ocpp/NOPE-9", F.basic("NOPE-9", F.password), .notFound),
        ]
        for (path, authorization, status) in cases {
            let client = try await TestWebSocketClient.connect(
                port: harness.port, path: path, authorization: authorization, tls: pki.clientTrusting())
            #expect(try await client.refusal().head.status == status)
            try await client.waitUntilClosed()
        }
        #expect(!harness.logs.text.contains("wrong-password-000"))
        await harness.shutdown()
    }

    @Test func plainWebSocketToATLSListenerGetsNoAnswer() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let harness = try await start(.tlsBasicAuth, pki: pki)
        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", F.password))
        try await expectHandshakeFailure(client)
        #expect(harness.listener.registry.all.isEmpty)
        await harness.shutdown()
    }

    @Test func expiredServerCertificateIsRefusedAtStartWithItsDates() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let notBefore = Date(timeIntervalSince1970: 1_735_689_600)   // 2025-01-01
        let notAfter = Date(timeIntervalSince1970: 1_767_225_600)    // 2026-01-01
        let expired = try pki.server(file: "gateway", notBefore: notBefore, notAfter: notAfter)
        let tls = GatewayConfig.ListenerTLS(certificate: expired.certificatePath, privateKey: expired.keyPath)
        let listener = ChargePointListener(
            config: F.config(securityProfile: .tlsBasicAuth, tls: tls), eventLoopGroup: F.group,
            logger: LogCapture().logger) { identity, handle in RecordingDelegate(identity: identity, handle: handle, echo: false) }
        let error = await #expect(throws: TLSSetupError.self) { _ = try await listener.start() }
        #expect(error == .expired(file: expired.certificatePath, notBefore: notBefore, notAfter: notAfter))
        #expect(error.map { "\($0)" } == "\(expired.certificatePath): certificate expired on 2026-01-01T00:00:00Z (valid 2025-01-01 … 2026-01-01)")
        #expect(listener.boundAddresses.isEmpty)
    }

    @Test func notYetValidCertificateIsRefusedAtStart() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let future = try pki.server(file: "future", notBefore: Date().addingTimeInterval(86_400),
                                    notAfter: Date().addingTimeInterval(86_400 * 2))
        #expect(throws: TLSSetupError.self) { _ = try CertificateLoader.certificates(file: future.certificatePath) }
    }

    // MARK: - Profile 3: mutual TLS

    @Test func profile3AcceptsAClientCertificateWhoseCNIsTheId() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let harness = try await start(.mutualTLS, pki: pki, chargePoints: Self.certificateChargePoints)
        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", tls: pki.client("CP-1").clientTLS(trusting: pki))
        #expect(try await client.upgradeResponse().status == .switchingProtocols)
        #expect(try await harness.delegate().identity.securityProfile == .mutualTLS)
        await client.close()
        await harness.shutdown()
    }

    @Test func profile3MapsSerialNumbersAndChecksTheOrganization() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let harness = try await start(
            .mutualTLS, pki: pki, certificateIds: ["SN-0042": "CP-2"], requireOrganization: "Acme Charging",
            chargePoints: Self.certificateChargePoints)
        let good = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-2",
            tls: pki.client("SN-0042", organization: "Acme Charging").clientTLS(trusting: pki))
        #expect(try await good.upgradeResponse().status == .switchingProtocols)
        await good.close()
        let wrongOrganization = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-2",
            tls: pki.client("SN-0042", organization: "Someone Else", file: "other-o").clientTLS(trusting: pki))
        #expect(try await wrongOrganization.refusal().head.status == .forbidden)
        try await waitUntil("the refusal to be logged") {
            harness.logs.text.contains("client certificate O is not the required organization")
        }
        await harness.shutdown()
    }

    @Test func profile3RefusesACNThatIsNotTheIdWith403() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let harness = try await start(.mutualTLS, pki: pki, chargePoints: Self.certificateChargePoints)
        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-2", tls: pki.client("CP-1").clientTLS(trusting: pki))
        #expect(try await client.refusal().head.status == .forbidden)
        try await client.waitUntilClosed()
        #expect(harness.listener.registry.all.isEmpty)
        await harness.shutdown()
    }

    @Test func profile3RefusesAnUnknownChargePointWith404() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let harness = try await start(.mutualTLS, pki: pki, chargePoints: Self.certificateChargePoints)
        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-9", tls: pki.client("CP-9").clientTLS(trusting: pki))
        #expect(try await client.refusal().head.status == .notFound)
        await harness.shutdown()
    }

    @Test func profile3RefusesCertificatesFromAnotherCAExpiredOnesAndNone() async throws {
        let pki = try TestPKI()
        let otherCA = try TestPKI(name: "Other CA", directory: pki.directory + "-other")
        defer { pki.remove(); otherCA.remove() }
        let harness = try await start(.mutualTLS, pki: pki, chargePoints: Self.certificateChargePoints)
        let foreign = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", tls: otherCA.client("CP-1").clientTLS(trusting: pki))
        try await expectHandshakeFailure(foreign)
        let expired = try pki.client("CP-1", file: "expired", notBefore: Date().addingTimeInterval(-86_400 * 10),
                                     notAfter: Date().addingTimeInterval(-86_400))
        let late = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", tls: expired.clientTLS(trusting: pki))
        try await expectHandshakeFailure(late)
        let anonymous = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", F.password), tls: pki.clientTrusting())
        try await expectHandshakeFailure(anonymous)
        #expect(harness.listener.registry.all.isEmpty)
        await harness.shutdown()
    }

    @Test func profile3IgnoresPasswords() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let harness = try await start(.mutualTLS, pki: pki, chargePoints: Self.certificateChargePoints)
        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/CP-1", authorization: F.basic("CP-1", "anything-at-all-00"),
            tls: pki.client("CP-1").clientTLS(trusting: pki))
        #expect(try await client.upgradeResponse().status == .switchingProtocols)
        await client.close()
        await harness.shutdown()
    }
}
