import Yams

extension ConfigDecoder {
    /// `listen[i].tls`: required for profiles 2 and 3, forbidden for 0 and 1. `profile` is `nil`
    /// if the listener's profile is invalid (then only the contents are checked).
    func decodeListenerTLS(
        in listener: MappingReader, profile: GatewayConfig.SecurityProfile?
    ) -> Field<GatewayConfig.ListenerTLS> {
        let path = listener.path("tls")
        guard let node = node("tls", in: listener) else {
            if let profile, profile.usesTLS {
                report(.missingKey, "`\(listener.keyPath)` uses \(profile) but has no `tls`",
                       at: listener.value("securityProfile") ?? listener.node, keyPath: path,
                       help: "add `tls: { certificate: certs/gateway.pem, privateKey: certs/gateway.key }`")
            }
            return .absent
        }
        if let profile, !profile.usesTLS {
            report(.conflict, "`\(path)` is only used with security profiles 2 and 3, but `\(listener.keyPath)` uses \(profile)",
                   at: listener.keyNode("tls"), keyPath: path, help: "remove `tls`, or set `securityProfile: 2` or `3`")
            return .invalid
        }
        let known = ["certificate", "privateKey", "clientCA", "certificateIds", "requireOrganization"]
        guard let map = mapping(node, keyPath: path, known: known) else { return .invalid }
        let certificate = existingPath("certificate", in: map, required: true)
        let privateKey = existingPath("privateKey", in: map, required: true)
        let clientCA = existingPath("clientCA", in: map)
        if profile == .mutualTLS, map.value("clientCA") == nil {
            report(.missingKey, "`\(listener.keyPath)` uses security profile 3 (mutual tls), which needs `clientCA`",
                   at: node, keyPath: map.path("clientCA"),
                   help: "add `clientCA: certs/chargepoint-ca.pem`, the ca that signs the charge points' certificates")
        }
        let certificateIds = decodeCertificateIds(in: map)
        let organization = nonEmptyString("requireOrganization", in: map)
        if profile == .tlsBasicAuth {
            for key in ["clientCA", "certificateIds", "requireOrganization"] where map.value(key) != nil {
                report(.conflict, "`\(map.path(key))` is only used with security profile 3 (mutual tls)",
                       at: map.keyNode(key), keyPath: map.path(key),
                       help: "remove `\(key)`, or set `securityProfile: 3` to require client certificates")
            }
        }
        guard let certificate = certificate.value, let privateKey = privateKey.value,
              let clientCA = clientCA.optionalValue, let certificateIds = certificateIds.value(or: [:]),
              let organization = organization.optionalValue
        else { return .invalid }
        let tls = GatewayConfig.ListenerTLS(certificate: certificate, privateKey: privateKey, clientCA: clientCA,
                                            certificateIds: certificateIds, requireOrganization: organization)
        return .present(tls, node)
    }

    /// `certificateIds`: subject CN -> charge point id.
    private func decodeCertificateIds(in tls: MappingReader) -> Field<[String: String]> {
        guard let node = node("certificateIds", in: tls) else { return .absent }
        guard let map = mapping(node, keyPath: tls.path("certificateIds"), known: nil),
              case .mapping(let pairs) = node
        else { return .invalid }
        var ids: [String: String] = [:]
        var valid = true
        for (key, _) in pairs {
            guard let commonName = key.string else { continue }
            let id = nonEmptyString(commonName, in: map, required: true).flatMap { id, node in
                checkChargePointId(id, at: node, keyPath: map.path(commonName)) ? id : nil
            }
            if let id = id.value { ids[commonName] = id } else { valid = false }
        }
        return valid && pairs.count == ids.count ? .present(ids, node) : .invalid
    }
}
