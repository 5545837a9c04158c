import Foundation
import Gateway
import X509
import Testing

/// Reading a client certificate's subject with swift-certificates, and matching it to an id.
struct ClientCertificateCheckTests {
    @Test func readsCNAndOFromTheDER() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let issued = try pki.client("SN-77", organization: "Acme Charging")
        let der = try issued.certificate.serializeAsPEM().derBytes
        let subject = try #require(ClientCertificateCheck(derEncoded: der))
        #expect(subject == ClientCertificateCheck(commonName: "SN-77", organization: "Acme Charging"))
    }

    @Test func matchesTheIdDirectlyOrThroughCertificateIds() {
        let plain = GatewayConfig.ListenerTLS(certificate: "c", privateKey: "k")
        let mapped = GatewayConfig.ListenerTLS(certificate: "c", privateKey: "k", certificateIds: ["SN-77": "CP-7"],
                                               requireOrganization: "Acme")
        let subject = ClientCertificateCheck(commonName: "SN-77", organization: "Acme")
        #expect(subject.problem(connectingAs: "SN-77", tls: plain) == nil)
        #expect(subject.problem(connectingAs: "CP-7", tls: plain) == .commonNameMismatch)
        #expect(subject.problem(connectingAs: "CP-7", tls: mapped) == nil)
        #expect(ClientCertificateCheck(commonName: "SN-77", organization: "Other").problem(connectingAs: "CP-7", tls: mapped)
            == .organizationMismatch)
        #expect(ClientCertificateCheck(commonName: nil, organization: "Acme").problem(connectingAs: "CP-7", tls: mapped)
            == .commonNameMismatch)
    }
}
