import Yams

extension ConfigDecoder {
    /// `listen`: at least one listener, addresses unique.
    func decodeListeners(
        in root: MappingReader, chargePoints: Field<[GatewayConfig.ChargePointCredential]>
    ) -> [GatewayConfig.Listener]? {
        let field = list("listen", in: root, required: true).flatMap { items, node -> [GatewayConfig.Listener]? in
            guard !items.isEmpty else {
                report(.invalidValue, "`listen` must have at least one listener", at: node, keyPath: "listen",
                       help: "add e.g. `- address: 127.0.0.1:8180`")
                return nil
            }
            var listeners: [GatewayConfig.Listener] = []
            var seen: [GatewayConfig.Listener.Address: String] = [:]
            for (item, path) in items {
                guard let listener = decodeListener(item, keyPath: path, chargePoints: chargePoints) else { continue }
                let key = GatewayConfig.Listener.Address(host: listener.address.host.lowercased(),
                                                         port: listener.address.port)
                if let first = seen[key] {
                    report(.duplicateValue, "listener address `\(listener.address)` is used twice",
                           at: item["address"], keyPath: path + ".address",
                           help: "`\(first)` already listens there; give each listener its own address")
                }
                seen[key] = seen[key] ?? path
                listeners.append(listener)
            }
            return listeners.count == items.count ? listeners : nil
        }
        return field.value
    }

    private func decodeListener(
        _ node: Node, keyPath: String, chargePoints: Field<[GatewayConfig.ChargePointCredential]>
    ) -> GatewayConfig.Listener? {
        let known = ["address", "path", "securityProfile", "allowInsecure", "tls"]
        guard let map = mapping(node, keyPath: keyPath, known: known) else { return nil }
        let address = string("address", in: map, required: true).flatMap { text, node in
            parsed(ListenAddressParser.parse(text, keyPath: map.path("address")), at: node, keyPath: map.path("address"))
        }
        let path = string("path", in: map).flatMap { text, node in
            parsed(ListenPathParser.parse(text, keyPath: map.path("path")), at: node, keyPath: map.path("path"))
        }
        let profile = securityProfile(in: map)
        let profileValue = profile.value(or: .basicAuth)
        let allowInsecure = boolean("allowInsecure", in: map).value(or: false)
        let tls = decodeListenerTLS(in: map, profile: profileValue)
        if let profileValue, let allowInsecure {
            checkListenerAuthentication(in: map, profile: profileValue, at: profile.node,
                                        allowInsecure: allowInsecure, chargePoints: chargePoints)
        }
        guard let address = address.value, let path = path.value(or: GatewayConfig.Listener.defaultPath),
              let profileValue, let allowInsecure, let tls = tls.optionalValue
        else { return nil }
        return GatewayConfig.Listener(address: address, path: path, securityProfile: profileValue,
                                      allowInsecure: allowInsecure, tls: tls)
    }

    /// `securityProfile` as one of the four profiles.
    func securityProfile(in map: MappingReader) -> Field<GatewayConfig.SecurityProfile> {
        integer("securityProfile", in: map, range: 0...3).flatMap { value, _ in
            GatewayConfig.SecurityProfile(rawValue: value)
        }
    }

    /// The parsed value, or reports the problem at `node`.
    func parsed<T>(_ result: Result<T, ValueProblem>, at node: Node, keyPath: String) -> T? {
        switch result {
        case .success(let value): return value
        case .failure(let problem):
            report(.invalidValue, problem.message, at: node, keyPath: keyPath, help: problem.help)
            return nil
        }
    }
}
