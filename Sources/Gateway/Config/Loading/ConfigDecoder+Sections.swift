import Yams

extension ConfigDecoder {
    /// `store`: `sqlite:PATH` or `none`, default `sqlite:chargemux.db` next to the config file.
    func decodeStore(in root: MappingReader) -> GatewayConfig.StoreLocation? {
        let prefix = "sqlite:"
        let field = nonEmptyString("store", in: root).flatMap { text, node -> GatewayConfig.StoreLocation? in
            if text == "none" { return GatewayConfig.StoreLocation.memoryOnly }
            guard text.hasPrefix(prefix), text.count > prefix.count else {
                report(.invalidValue, "`store` must be `sqlite:PATH` or `none`, found `\(text)`", at: node, keyPath: "store",
                       help: "write e.g. `store: sqlite:chargemux.db` (relative to the configuration's folder)")
                return nil
            }
            return .sqlite(path: PathResolver.resolve(String(text.dropFirst(prefix.count)), against: baseDirectory))
        }
        let fallback = GatewayConfig.StoreLocation.sqlite(
            path: PathResolver.resolve(GatewayConfig.StoreLocation.defaultFileName, against: baseDirectory))
        return field.value(or: fallback)
    }

    /// `gatewayAnswers`: what the gateway answers itself.
    func decodeGatewayAnswers(in root: MappingReader) -> GatewayConfig.GatewayAnswers? {
        guard let node = node("gatewayAnswers", in: root) else { return GatewayConfig.GatewayAnswers() }
        guard let map = mapping(node, keyPath: "gatewayAnswers", known: ["heartbeatInterval"]) else { return nil }
        let interval = integer("heartbeatInterval", in: map, range: GatewayConfig.GatewayAnswers.heartbeatIntervalRange,
                               unit: "seconds")
        return interval.value(or: GatewayConfig.GatewayAnswers.defaultHeartbeatInterval)
            .map(GatewayConfig.GatewayAnswers.init(heartbeatInterval:))
    }

    /// `redaction`: the key for `hash` redactions.
    func decodeRedaction(in root: MappingReader) -> GatewayConfig.Redaction? {
        guard let node = node("redaction", in: root) else { return GatewayConfig.Redaction() }
        guard let map = mapping(node, keyPath: "redaction", known: ["hashKey"]) else { return nil }
        let minimum = GatewayConfig.Redaction.minimumHashKeyLength
        let key = secret("hashKey", in: map).flatMap { secret, node -> Secret? in
            guard secret.reveal().count >= minimum else {
                report(.invalidValue, "\(Self.origin(of: secret, path: "redaction.hashKey")) must be at least \(minimum) characters long",
                       at: node, keyPath: "redaction.hashKey",
                       help: "use a long random key, e.g. the output of `openssl rand -hex 32`")
                return nil
            }
            return secret
        }
        switch key {
        case .absent: return GatewayConfig.Redaction()
        case .invalid: return nil
        case .present(let secret, _): return GatewayConfig.Redaction(hashKey: secret)
        }
    }
}
