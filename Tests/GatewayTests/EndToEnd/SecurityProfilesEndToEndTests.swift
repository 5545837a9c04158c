import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import OCPP
import Testing

/// Charge points on security profiles 2 and 3 through the gateway to a simulated backend that
/// itself demands profile 3 (client certificates per charge point from `certificateDir`), with
/// certificates made at run time; the security extension's messages routed by the policy.
@Suite("end to end: security profiles", .timeLimit(.minutes(1)))
struct SecurityProfilesEndToEndTests {
    static let policy = """
        policy "tls" for ocpp 1.6
        primary secure
        route BootNotification, SignCertificate, SecurityEventNotification to all
        route Heartbeat to gateway
        allow secure CertificateSigned
        """
    static let password = "cp-password-0123456789"

    /// The gateway with a profile 2 and a profile 3 listener, and one backend on profile 3.
    final class Setup: @unchecked Sendable {
        // @unchecked: set once in `start`, read-only afterwards.
        let pki: TestPKI
        let group = MultiThreadedEventLoopGroup.singleton
        var logger: Logger = { var logger = Logger(label: "e2e-tls"); logger.logLevel = .critical; return logger }()
        var backend: SimulatedBackendServer!
        var server: GatewayServer!
        var ports: [Int] = []
        var gatewayCertificate: TestPKI.Issued!

        init() throws { pki = try TestPKI(name: "e2e CA") }

        func start() async throws {
            let directory = pki.directory
            try SecurityProfilesEndToEndTests.policy.write(toFile: directory + "/site.policy", atomically: true, encoding: .utf8)
            // The backend: profile 3, trusting the same CA for its clients.
            let backendCertificate = try pki.server(file: "backend")
            backend = SimulatedBackendServer(
                system: SimulatedCentralSystem(name: "secure", transactionIdBase: 1000),
                tls: GatewayConfig.ListenerTLS(certificate: backendCertificate.certificatePath,
                                               privateKey: backendCertificate.keyPath, clientCA: pki.caPath),
                eventLoopGroup: group, logger: logger)
            let backendPort = try await backend.start()
            // The gateway's client certificates towards the backend, one per charge point (CN = id).
            try FileManager.default.createDirectory(atPath: directory + "/to-backend", withIntermediateDirectories: true)
            for id in ["CP-2", "CP-3"] {
                let issued = try pki.client(id, file: "to-backend-\(id)")
                try FileManager.default.moveItem(atPath: issued.certificatePath, toPath: directory + "/to-backend/\(id).pem")
                try FileManager.default.moveItem(atPath: issued.keyPath, toPath: directory + "/to-backend/\(id).key")
            }
            gatewayCertificate = try pki.server(file: "gateway")
            let config = """
                listen:
                  - address: "127.0.0.1:8182"
                    securityProfile: 2
                    tls: { certificate: gateway.pem, privateKey: gateway.key }
                  - address: "127.0.0.1:8183"
                    securityProfile: 3
                    tls: { certificate: gateway.pem, privateKey: gateway.key, clientCA: "\(URL(fileURLWithPath: pki.caPath).lastPathComponent)" }
                policy: site.policy
                redaction: { hashKey: "e2e-hash-key-0123456789" }
                chargePoints:
                  - { id: "CP-2", password: "\(SecurityProfilesEndToEndTests.password)" }
                  - { id: "CP-3", certificateOnly: true }
                backends:
                  - name: secure
                    url: "wss://127.0.0.1:\(backendPort)/ocpp"
                    ocppVersion: "1.6"
                    securityProfile: 3
                    tls: { ca: "\(pki.caPath)", certificateDir: to-backend }
                """
            let configPath = directory + "/gateway.yaml"
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            let context = try GatewayLauncher.prepare(configPath: configPath, environment: [:], logger: logger) { config in
                config.withListeners(config.listeners.map {
                    GatewayConfig.Listener(address: .init(host: "127.0.0.1", port: 0), path: $0.path,
                                           securityProfile: $0.securityProfile, allowInsecure: $0.allowInsecure, tls: $0.tls)
                })
            }
            server = GatewayServer(context: context, eventLoopGroup: group)
            ports = try await server.start().compactMap(\.port)
        }

        func chargePoint(_ id: String, profile: Int) async throws -> SimulatedChargePoint {
            let port = ports[profile - 2]
            let tls: GatewayConfig.BackendTLS
            if profile == 3 {
                let issued = try pki.client(id, file: "cp-\(id)")
                tls = .init(ca: pki.caPath, certificate: issued.certificatePath, privateKey: issued.keyPath)
            } else {
                tls = .init(ca: pki.caPath)
            }
            let chargePoint = try SimulatedChargePoint(
                id: id, url: URL(string: "wss://127.0.0.1:\(port)/ocpp")!,
                password: profile == 2 ? SecurityProfilesEndToEndTests.password : nil, tls: tls,
                eventLoop: group.next(), logger: logger)
            chargePoint.start()
            try await chargePoint.waitUntilConnected()
            return chargePoint
        }

        func stop() async {
            await server?.shutdown()
            await backend?.shutdown()
            pki.remove()
        }
    }

    @Test("profile 2 and 3 charge points reach a profile 3 backend; SignCertificate routed, CertificateSigned permitted")
    func bothProfilesThroughToAMutualTLSBackend() async throws {
        let setup = try Setup()
        try await setup.start()
        let basic = try await setup.chargePoint("CP-2", profile: 2)
        let mutual = try await setup.chargePoint("CP-3", profile: 3)
        for chargePoint in [basic, mutual] {
            let boot = try await chargePoint.call("BootNotification", ["chargePointModel": "M", "chargePointVendor": "V"])
            guard case .callResult(_, let answer) = boot else { Issue.record("boot: \(boot)"); continue }
            #expect(answer["status"] == "Accepted")
        }
        #expect(setup.backend.connectedChargePoints == ["CP-2", "CP-3"])

        let sign = try await mutual.call("SignCertificate", ["csr": "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----"])
        guard case .callResult(_, let signAnswer) = sign else { Issue.record("sign: \(sign)"); return }
        #expect(signAnswer["status"] == "Accepted")
        let received = setup.backend.system.received.compactMap { entry -> String? in
            if case .call(_, let action, _) = entry.frame { return action }
            return nil
        }
        #expect(received.contains("SignCertificate"))

        let signed = try await setup.backend.call(
            "CertificateSigned", payload: ["certificateChain": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],
            to: "CP-3")
        guard case .callResult(_, let signedAnswer) = signed else { Issue.record("signed: \(signed)"); return }
        #expect(signedAnswer["status"] == "Accepted")
        await basic.stop()
        await mutual.stop()
        await setup.stop()
    }

    @Test("a reload takes new certificates for new connections; a bad file keeps the old ones")
    func reloadSwapsCertificates() async throws {
        let setup = try Setup()
        try await setup.start()
        let certificatePath = setup.gatewayCertificate.certificatePath
        // A bad file: refused, the old context stays.
        try "not a certificate".write(toFile: certificatePath, atomically: true, encoding: .utf8)
        setup.server.reload()
        let stillThere = try await setup.chargePoint("CP-2", profile: 2)
        await stillThere.stop()
        // A certificate from another CA (same file names): new connections get it.
        let otherCA = try TestPKI(name: "Renewed CA", directory: setup.pki.directory + "-renewed")
        defer { otherCA.remove() }
        let renewed = try otherCA.server(file: "gateway")
        try String(contentsOfFile: renewed.certificatePath, encoding: .utf8)
            .write(toFile: certificatePath, atomically: true, encoding: .utf8)
        try String(contentsOfFile: renewed.keyPath, encoding: .utf8)
            .write(toFile: setup.gatewayCertificate.keyPath, atomically: true, encoding: .utf8)
        setup.server.reload()
        let client = try await TestWebSocketClient.connect(
            port: setup.ports[0], path: "/ocpp/CP-2",
            authorization: TransportFixtures.basic("CP-2", Self.password), tls: otherCA.clientTrusting())
        #expect(try await client.upgradeResponse().status == .switchingProtocols)
        await client.close()
        await setup.stop()
    }
}
