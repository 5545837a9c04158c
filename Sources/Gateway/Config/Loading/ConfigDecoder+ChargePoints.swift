import Yams

extension ConfigDecoder {
    /// `chargePoints`: who may connect; ids unique.
    func decodeChargePoints(in root: MappingReader) -> Field<[GatewayConfig.ChargePointCredential]> {
        list("chargePoints", in: root).flatMap { items, listNode in
            var entries: [GatewayConfig.ChargePointCredential] = []
            var seen: [String: String] = [:]
            for (item, path) in items {
                guard let (entry, idNode) = decodeChargePoint(item, keyPath: path) else { continue }
                if let first = seen[entry.id] {
                    report(.duplicateValue, "charge point id `\(entry.id)` is listed twice", at: idNode,
                           keyPath: path + ".id", help: "it is already listed in `\(first)`; remove one entry")
                }
                seen[entry.id] = seen[entry.id] ?? path
                entries.append(entry)
            }
            return entries.count == items.count ? entries : nil
        }
    }

    private func decodeChargePoint(
        _ node: Node, keyPath: String
    ) -> (GatewayConfig.ChargePointCredential, Node)? {
        guard let map = mapping(node, keyPath: keyPath, known: ["id", "password", "passwordSha256", "certificateOnly"]) else { return nil }
        let id = nonEmptyString("id", in: map, required: true).flatMap { id, node in
            checkChargePointId(id, at: node, keyPath: map.path("id")) ? id : nil
        }
        let password = secret("password", in: map)
        let hash = secret("passwordSha256", in: map).flatMap { secret, node in
            sha256Hex(secret, at: node, keyPath: map.path("passwordSha256"))
        }
        let certificateOnly = boolean("certificateOnly", in: map)
        let credential: GatewayConfig.ChargePointCredential.Credential?
        switch (password, hash) {
        case (.absent, .absent) where certificateOnly.value == true:
            credential = .certificateOnly
        case (.present(let secret, _), .absent): credential = .password(secret)
        case (.absent, .present(let secret, _)): credential = .passwordSha256(secret)
        case (.absent, .absent):
            report(.missingKey, "`\(keyPath)` needs `password` or `passwordSha256`", at: map.node,
                   keyPath: map.path("password"),
                   help: "add `passwordSha256: <sha-256 of the password in hex>` or `password: env:VARIABLE`, "
                       + "or `certificateOnly: true` for a charge point on security profile 3 only")
            credential = nil
        case (_, _) where password.isGiven && hash.isGiven:
            report(.conflict, "`\(keyPath)` has both `password` and `passwordSha256`",
                   at: map.keyNode("passwordSha256"), keyPath: map.path("passwordSha256"), help: "keep only one of them")
            credential = nil
        default: credential = nil
        }
        guard let id = id.value, let idNode = map.value("id"), let credential else { return nil }
        return (GatewayConfig.ChargePointCredential(id: id, credential: credential), idNode)
    }

    /// A `passwordSha256` secret as 64 lowercase hex digits; never quotes the value.
    private func sha256Hex(_ secret: Secret, at node: Node, keyPath: String) -> Secret? {
        let hex = secret.reveal().lowercased()
        guard hex.count == 64, hex.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) })
        else {
            report(.invalidValue, "\(Self.origin(of: secret, path: keyPath)) must be 64 hex digits (a sha-256 hash)",
                   at: node, keyPath: keyPath,
                   help: "compute it with `printf %s PASSWORD | sha256sum`, or use `password` instead")
            return nil
        }
        return Secret(hex, source: secret.source)
    }

    /// Reports and returns `false` if `id` can't be a charge point id or glob: it is the last
    /// segment of a URL path, so no `/`, no whitespace.
    func checkChargePointId(_ id: String, at node: Node, keyPath: String) -> Bool {
        guard id.contains("/") || id.contains(where: \.isWhitespace) else { return true }
        report(.invalidValue, "`\(keyPath)` must not contain `/` or whitespace, found `\(id)`", at: node,
               keyPath: keyPath, help: "a charge point id is the last segment of the url it connects to")
        return false
    }
}
