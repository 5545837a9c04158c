import NIOSSL
import X509

/// Who a profile 3 charge point's client certificate says it is, and whether that may be the id
/// in the URL.
///
/// The chain and validity dates are checked by the TLS handshake against the listener's
/// `clientCA`; this checks the subject: the CN (OCPP: the station's serial number) must be the id,
/// or map to it through `certificateIds`; with `requireOrganization` the O must equal it.
public struct ClientCertificateCheck: Sendable, Equatable {
    /// The subject's common name (CN), if any.
    public var commonName: String?
    /// The subject's organization (O), if any.
    public var organization: String?

    /// A subject with these values (for tests and callers that already parsed one).
    public init(commonName: String?, organization: String?) {
        self.commonName = commonName
        self.organization = organization
    }

    /// The subject of a DER certificate; `nil` if it cannot be parsed.
    public init?(derEncoded der: [UInt8]) {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        var commonName: String?
        var organization: String?
        for rdn in certificate.subject {
            for attribute in rdn {
                if attribute.type == .RDNAttributeType.commonName, commonName == nil {
                    commonName = String(attribute.value)
                } else if attribute.type == .RDNAttributeType.organizationName, organization == nil {
                    organization = String(attribute.value)
                }
            }
        }
        self.init(commonName: commonName, organization: organization)
    }

    /// The subject of the peer certificate of a TLS connection; `nil` without one.
    public init?(peer certificate: NIOSSLCertificate?) {
        guard let certificate, let der = try? certificate.toDERBytes() else { return nil }
        self.init(derEncoded: der)
    }

    /// Why a certificate cannot stand for a charge point.
    public enum Problem: String, Sendable, Equatable {
        /// No client certificate reached the gateway.
        case noCertificate = "no client certificate"
        /// The CN (mapped through `certificateIds`) is not the id in the URL.
        case commonNameMismatch = "client certificate CN does not match the charge point id"
        /// `requireOrganization` is set and the O differs.
        case organizationMismatch = "client certificate O is not the required organization"
    }

    /// The charge point id the certificate stands for: `certificateIds[CN]`, else the CN.
    public func chargePointId(certificateIds: [String: String]) -> String? {
        guard let commonName else { return nil }
        return certificateIds[commonName] ?? commonName
    }

    /// `nil` if this certificate may connect as `id` under `tls`, else the problem.
    public func problem(connectingAs id: String, tls: GatewayConfig.ListenerTLS) -> Problem? {
        guard chargePointId(certificateIds: tls.certificateIds) == id else { return .commonNameMismatch }
        if let required = tls.requireOrganization, organization != required { return .organizationMismatch }
        return nil
    }
}
