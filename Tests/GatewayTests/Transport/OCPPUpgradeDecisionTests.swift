import Foundation
import Gateway
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import OCPP
import Testing

@Suite struct OCPPUpgradeDecisionTests {
    private func request(_ uri: String, protocols: String? = "ocpp1.6", auth: String? = nil, method: HTTPMethod = .GET) -> HTTPRequestHead {
        var headers = HTTPHeaders([
            ("Upgrade", "websocket"), ("Connection", "keep-alive, Upgrade"),
            ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ])
        if let protocols { headers.add(name: "Sec-WebSocket-Protocol", value: protocols) }
        if let auth { headers.add(name: "Authorization", value: auth) }
        return HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }

    private func decide(_ request: HTTPRequestHead, path: String = "/ocpp", versions: [OCPPVersion] = [.v16]) -> OCPPUpgradeDecision {
        let config = TransportFixtures.config(path: path)
        return OCPPUpgradeDecision.decide(
            request: request, listener: config.listeners[0], config: config, supportedVersions: versions
        )
    }

    private var good: String { TransportFixtures.basic("CP-1", TransportFixtures.password) }

    private func decideTLS(
        _ request: HTTPRequestHead, profile: GatewayConfig.SecurityProfile, certificate: ClientCertificateCheck?,
        certificateIds: [String: String] = [:], organization: String? = nil
    ) -> OCPPUpgradeDecision {
        let tls = GatewayConfig.ListenerTLS(certificate: "c.pem", privateKey: "c.key", clientCA: "ca.pem",
                                            certificateIds: certificateIds, requireOrganization: organization)
        let config = TransportFixtures.config(securityProfile: profile, tls: tls)
        return OCPPUpgradeDecision.decide(request: request, listener: config.listeners[0], config: config,
                                          supportedVersions: [.v16], clientCertificate: certificate)
    }

    @Test func profile2ChecksBasicAuthLikeProfile1() {
        #expect(decideTLS(request("/ocpp/CP-1", auth: good), profile: .tlsBasicAuth, certificate: nil)
            == .accept(id: "CP-1", version: .v16))
        #expect(decideTLS(request("/ocpp/CP-1"), profile: .tlsBasicAuth, certificate: nil)
            == .refuse(.unauthorized(id: "CP-1", problem: .missingCredentials)))
    }

    @Test func profile3ChecksTheCertificateSubjectNotAPassword() {
        let cp1 = ClientCertificateCheck(commonName: "CP-1", organization: "Op")
        #expect(decideTLS(request("/ocpp/CP-1"), profile: .mutualTLS, certificate: cp1) == .accept(id: "CP-1", version: .v16))
        #expect(decideTLS(request("/ocpp/CP-2"), profile: .mutualTLS, certificate: cp1)
            == .refuse(.certificateRejected(id: "CP-2", problem: .commonNameMismatch)))
        #expect(decideTLS(request("/ocpp/CP-1"), profile: .mutualTLS, certificate: nil)
            == .refuse(.certificateRejected(id: "CP-1", problem: .noCertificate)))
        #expect(decideTLS(request("/ocpp/CP-1"), profile: .mutualTLS, certificate: cp1, organization: "Other")
            == .refuse(.certificateRejected(id: "CP-1", problem: .organizationMismatch)))
        let serial = ClientCertificateCheck(commonName: "SN-9", organization: nil)
        #expect(decideTLS(request("/ocpp/CP-2"), profile: .mutualTLS, certificate: serial, certificateIds: ["SN-9": "CP-2"])
            == .accept(id: "CP-2", version: .v16))
        #expect(decideTLS(request("/ocpp/UNKNOWN"), profile: .mutualTLS, certificate: cp1)
            == .refuse(.unknownChargePoint(id: "UNKNOWN")))
        #expect(OCPPUpgradeRefusal.certificateRejected(id: "CP-2", problem: .commonNameMismatch).status == .forbidden)
    }

    @Test func acceptsAGoodRequest() {
        #expect(decide(request("/ocpp/CP-1", auth: good)) == .accept(id: "CP-1", version: .v16))
    }

    @Test func rootPathListener() {
        #expect(decide(request("/CP-1", auth: good), path: "/") == .accept(id: "CP-1", version: .v16))
        #expect(decide(request("/a/CP-1", auth: good), path: "/") == .refuse(.unknownPath))
    }

    @Test func refusals() {
        #expect(decide(request("/ocpp/CP-1", auth: good, method: .POST)) == .refuse(.methodNotAllowed))
        #expect(decide(request("/ocpp/CP-1", auth: "Basic"))
            == .refuse(.unauthorized(id: "CP-1", problem: .missingCredentials)))
        #expect(decide(request("/ocpp/CP-1", protocols: "ocpp2.0.1", auth: good)) == .refuse(.noSupportedSubprotocol(id: "CP-1")))
        #expect(decide(request("/ocpp/CP-1", protocols: nil, auth: good)) == .refuse(.noSupportedSubprotocol(id: "CP-1")))
        #expect(decide(request("/ocpp/%ZZ", auth: good)) == .refuse(.invalidChargePointId))
        #expect(decide(request("/ocpp/UNKNOWN", auth: good)) == .refuse(.unknownChargePoint(id: "UNKNOWN")))
        var noKey = request("/ocpp/CP-1", auth: good)
        noKey.headers.remove(name: "Sec-WebSocket-Key")
        #expect(decide(noKey) == .refuse(.malformedHandshake))
        var oldVersion = request("/ocpp/CP-1", auth: good)
        oldVersion.headers.replaceOrAdd(name: "Sec-WebSocket-Version", value: "8")
        #expect(decide(oldVersion) == .refuse(.unsupportedWebSocketVersion))
    }

    @Test func unauthenticatedCallersLearnNothingAboutSubprotocols() {
        #expect(decide(request("/ocpp/CP-1", protocols: "nonsense", auth: nil))
            == .refuse(.unauthorized(id: "CP-1", problem: .missingCredentials)))
    }

    @Test func idRules() {
        #expect(ChargePointIdentity.isValidId(String(repeating: "a", count: 48)))
        #expect(!ChargePointIdentity.isValidId(String(repeating: "a", count: 49)))
        #expect(!ChargePointIdentity.isValidId(""))
        #expect(!ChargePointIdentity.isValidId("a:b"))
        #expect(!ChargePointIdentity.isValidId("a\u{0}b"))
    }
}
