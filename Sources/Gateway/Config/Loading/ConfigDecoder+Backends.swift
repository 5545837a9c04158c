import Foundation
import OCPP
import Yams

extension ConfigDecoder {
    /// `backends`: at least one; names valid, unique ignoring case, not reserved.
    func decodeBackends(in root: MappingReader) -> [GatewayConfig.Backend]? {
        let field = list("backends", in: root, required: true).flatMap { items, node -> [GatewayConfig.Backend]? in
            guard !items.isEmpty else {
                report(.invalidValue, "`backends` must have at least one backend", at: node, keyPath: "backends",
                       help: "add e.g. `- { name: billing, url: ws://127.0.0.1:9001/ocpp }`")
                return nil
            }
            var backends: [GatewayConfig.Backend] = []
            var seen: [String: String] = [:]
            for (item, path) in items {
                let backend = decodeBackend(item, keyPath: path)
                if let name = backend?.name ?? item["name"]?.string, let nameNode = item["name"] {
                    if let first = seen[name.lowercased()] {
                        report(.duplicateValue, "backend name `\(name)` is used twice", at: nameNode,
                               keyPath: path + ".name", help: "`\(first)` already has this name (names ignore case)")
                    }
                    seen[name.lowercased()] = seen[name.lowercased()] ?? path
                }
                if let backend { backends.append(backend) }
            }
            return backends.count == items.count ? backends : nil
        }
        return field.value
    }

    private func decodeBackend(_ node: Node, keyPath: String) -> GatewayConfig.Backend? {
        let known = ["name", "url", "ocppVersion", "securityProfile", "password", "passwordFile", "tls", "queue", "offline"]
        guard let map = mapping(node, keyPath: keyPath, known: known) else { return nil }
        let name = string("name", in: map, required: true).flatMap { name, node in
            checkBackendName(name, at: node, keyPath: map.path("name")) ? name : nil
        }
        let url = string("url", in: map, required: true).flatMap { text, node in
            parsed(BackendURLParser.parse(text, keyPath: map.path("url")), at: node, keyPath: map.path("url"))
        }
        let version = ocppVersion(in: map)
        let explicitProfile = securityProfile(in: map)
        let isTLS = url.value.map { $0.scheme?.lowercased() == "wss" }
        let profile: GatewayConfig.SecurityProfile? = explicitProfile.isGiven
            ? explicitProfile.value : isTLS.map { $0 ? .tlsBasicAuth : .unsecured }
        if let profile, let isTLS, let urlNode = url.node {
            checkScheme(profile: profile, isTLS: isTLS, in: map, profileNode: explicitProfile.node, urlNode: urlNode)
        }
        let password = secret("password", in: map)
        let passwordFile = decodePasswordFile(in: map)
        if let profile {
            checkPassword(password, passwordFile: passwordFile, profile: profile, in: map, profileNode: explicitProfile.node)
        }
        let tls = decodeBackendTLS(in: map, profile: profile, isTLS: isTLS)
        let queue = decodeBackendQueue(in: map)
        let offline = decodeBackendOffline(in: map)
        guard let name = name.value, let url = url.value, let version = version.optionalValue, let profile,
              let password = password.optionalValue, let tls = tls.optionalValue,
              let chargePointPasswords = passwordFile.value(or: [:]),
              let queueLimits = queue.optionalValue, let offlineSettings = offline.value(or: GatewayConfig.Backend.Offline())
        else { return nil }
        var backend = GatewayConfig.Backend(name: name, url: url, ocppVersion: version, securityProfile: profile,
                                            password: password, tls: tls, chargePointPasswords: chargePointPasswords)
        backend.queueLimits = queueLimits
        backend.offline = offlineSettings
        return backend
    }

    /// `ocppVersion`: the scalar text `1.6` or `2.0.1`, quoted or not (unquoted `1.6` is a float).
    private func ocppVersion(in map: MappingReader) -> Field<OCPPVersion> {
        string("ocppVersion", in: map).flatMap { text, node in
            if let version = OCPPVersion(rawValue: text) { return version }
            report(.invalidValue, "`\(map.path("ocppVersion"))` must be \"1.6\" or \"2.0.1\", found `\(text)`",
                   at: node, keyPath: map.path("ocppVersion"), help: "write `ocppVersion: \"1.6\"` or `ocppVersion: \"2.0.1\"`")
            return nil
        }
    }
}
