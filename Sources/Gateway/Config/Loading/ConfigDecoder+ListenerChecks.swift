import Yams

extension ConfigDecoder {
    /// Profile 0 needs `allowInsecure: true`; profiles 1 and 2 need `chargePoints` to check
    /// passwords against. `profileNode` is `nil` when the profile is the default.
    func checkListenerAuthentication(
        in map: MappingReader, profile: GatewayConfig.SecurityProfile, at profileNode: Node?,
        allowInsecure: Bool, chargePoints: Field<[GatewayConfig.ChargePointCredential]>
    ) {
        let at = profileNode ?? map.node
        if profile == .unsecured, !allowInsecure {
            report(.conflict, "`\(map.keyPath)` uses \(profile) without `allowInsecure: true`", at: at,
                   keyPath: map.path("securityProfile"),
                   help: "add `allowInsecure: true` to accept charge points without a password, "
                       + "or use `securityProfile: 1`")
        }
        guard profile.usesBasicAuth else { return }
        switch chargePoints {
        case .present(let entries, let node) where entries.isEmpty:
            report(.conflict, "`\(map.keyPath)` uses \(profile) but `chargePoints` is empty", at: node,
                   keyPath: "chargePoints", help: Self.chargePointsHelp)
        case .absent:
            report(.missingKey, "`\(map.keyPath)` uses \(profile) but there are no `chargePoints` with passwords",
                   at: at, keyPath: "chargePoints", help: Self.chargePointsHelp)
        default:
            break
        }
    }

    private static let chargePointsHelp =
        "add `chargePoints:` with entries like `- { id: \"CP-*\", passwordSha256: <64 hex digits> }`"
}
