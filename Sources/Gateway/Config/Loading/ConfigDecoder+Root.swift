import Foundation
import Yams

extension ConfigDecoder {
    /// The top-level keys.
    static let rootKeys = [
        "listen", "policy", "store", "gatewayAnswers", "callTimeout", "maxFrameSize", "redaction",
        "chargePoints", "credentialsFile", "backends",
    ]

    /// Decodes a whole document (`nil` for an empty one); `nil` if anything was reported.
    func decodeRoot(_ document: Node?) -> GatewayConfig? {
        let node = document ?? Node.mapping(Node.Mapping([]))
        guard let root = mapping(node, keyPath: "", known: Self.rootKeys) else { return nil }
        let chargePoints = mergeCredentialsFile(into: decodeChargePoints(in: root), in: root)
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

extension ConfigDecoder {
    /// Adds the `credentialsFile` entries (if the key is given) after the `chargePoints` entries;
    /// an id in both is reported. Never quotes the file's hashes.
    func mergeCredentialsFile(
        into chargePoints: Field<[GatewayConfig.ChargePointCredential]>, in root: MappingReader
    ) -> Field<[GatewayConfig.ChargePointCredential]> {
        let file = existingPath("credentialsFile", in: root)
        guard case .present(let path, let node) = file else {
            return file.isGiven && chargePoints.isGiven ? .invalid : chargePoints
        }
        let fromFile: [GatewayConfig.ChargePointCredential]
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            fromFile = try CredentialsFile.parse(text)
        } catch let error as CredentialsFile.LineError {
            report(.invalidValue, "`credentialsFile` \(path) \(error)", at: node, keyPath: "credentialsFile",
                   help: "make lines with `chargemux hash-password ID`")
            return .invalid
        } catch {
            report(.invalidValue, "`credentialsFile` \(path) cannot be read", at: node, keyPath: "credentialsFile")
            return .invalid
        }
        switch chargePoints {
        case .invalid: return .invalid
        case .absent: return .present(fromFile, node)
        case .present(let entries, let listNode):
            let ids = Set(entries.map(\.id))
            for entry in fromFile where ids.contains(entry.id) {
                report(.duplicateValue, "charge point id `\(entry.id)` is in `chargePoints` and in `credentialsFile`",
                       at: node, keyPath: "credentialsFile", help: "keep one of them")
                return .invalid
            }
            return .present(entries + fromFile, listNode)
        }
    }
}
