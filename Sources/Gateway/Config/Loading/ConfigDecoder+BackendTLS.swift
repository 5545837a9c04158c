import Yams

extension ConfigDecoder {
    /// `backends[i].tls`: only for `wss://`; profile 3 needs a client certificate, profile 2 must
    /// not have one. `profile`/`isTLS` are `nil` when unknown (then only the contents are checked).
    func decodeBackendTLS(
        in backend: MappingReader, profile: GatewayConfig.SecurityProfile?, isTLS: Bool?
    ) -> Field<GatewayConfig.BackendTLS> {
        let path = backend.path("tls")
        guard let node = node("tls", in: backend) else {
            if profile == .mutualTLS { reportMissingClientCertificate(backend, at: backend.value("securityProfile")) }
            return .absent
        }
        if isTLS == false {
            report(.conflict, "`\(path)` is only used with `wss://` urls", at: backend.keyNode("tls"), keyPath: path,
                   help: "remove `tls`, or use a `wss://` url")
            return .invalid
        }
        let known = ["ca", "certificate", "privateKey", "certificateDir", "insecureSkipVerify"]
        guard let map = mapping(node, keyPath: path, known: known) else { return .invalid }
        let ca = existingPath("ca", in: map)
        let certificate = existingPath("certificate", in: map, required: map.value("privateKey") != nil)
        let privateKey = existingPath("privateKey", in: map, required: map.value("certificate") != nil)
        let directory = existingPath("certificateDir", in: map, kind: .directory)
        let skipVerify = boolean("insecureSkipVerify", in: map)
        let hasClientCertificate = certificate.isGiven || directory.isGiven
        if profile == .mutualTLS, !hasClientCertificate {
            reportMissingClientCertificate(backend, at: node)
        } else if profile == .tlsBasicAuth, hasClientCertificate {
            let key = certificate.isGiven ? "certificate" : "certificateDir"
            report(.conflict, "`\(map.path(key))` is only used with security profile 3 (mutual tls)",
                   at: map.keyNode(key), keyPath: map.path(key),
                   help: "remove the client certificate, or set `securityProfile: 3`")
        }
        guard let ca = ca.optionalValue, let certificate = certificate.optionalValue,
              let privateKey = privateKey.optionalValue, let directory = directory.optionalValue,
              let skipVerify = skipVerify.value(or: false)
        else { return .invalid }
        return .present(GatewayConfig.BackendTLS(ca: ca, certificate: certificate, privateKey: privateKey,
                                                 certificateDir: directory, insecureSkipVerify: skipVerify), node)
    }

    private func reportMissingClientCertificate(_ backend: MappingReader, at node: Node?) {
        report(.missingKey, "`\(backend.keyPath)` uses security profile 3 (mutual tls) but has no client certificate",
               at: node ?? backend.node, keyPath: backend.path("tls"),
               help: "add `tls: { certificate: ..., privateKey: ... }` or `tls: { certificateDir: ... }`")
    }
}
