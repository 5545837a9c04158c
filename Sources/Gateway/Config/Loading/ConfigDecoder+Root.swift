import Yams

extension ConfigDecoder {
    /// The top-level keys.
    static let rootKeys = [
        "listen", "policy", "store", "gatewayAnswers", "callTimeout", "maxFrameSize", "redaction",
        "chargePoints", "backends",
    ]

    /// Decodes a whole document (`nil` for an empty one); `nil` if anything was reported.
    func decodeRoot(_ document: Node?) -> GatewayConfig? {
        let node = document ?? Node.mapping(Node.Mapping([]))
        guard let root = mapping(node, keyPath: "", known: Self.rootKeys) else { return nil }
        let chargePoints = decodeChargePoints(in: root)
        let listeners = decodeListeners(in: root, chargePoints: chargePoints)
        let policy = existingPath("policy", in: root, required: true)
        let store = decodeStore(in: root)
        let answers = decodeGatewayAnswers(in: root)
        let callTimeout = integer("callTimeout", in: root, range: GatewayConfig.callTimeoutRange, unit: "seconds")
        let maxFrameSize = integer("maxFrameSize", in: root, range: GatewayConfig.maxFrameSizeRange, unit: "bytes")
        let redaction = decodeRedaction(in: root)
        let backends = decodeBackends(in: root)
        guard diagnostics.isEmpty, let listeners, let policyPath = policy.value, let store, let answers,
              let timeout = callTimeout.value(or: GatewayConfig.defaultCallTimeoutSeconds), let frameSize = maxFrameSize.value(or: GatewayConfig.defaultMaxFrameSize),
              let redaction, let chargePoints = chargePoints.value(or: []), let backends
        else { return nil }
        return GatewayConfig(
            listeners: listeners, policyPath: policyPath, store: store, gatewayAnswers: answers,
            callTimeout: .seconds(timeout), maxFrameSize: frameSize, redaction: redaction,
            chargePoints: chargePoints, backends: backends)
    }
}
