import Yams

extension ConfigDecoder {
    /// A backend name is an identifier the policy can name: a letter, then letters, digits, `_`,
    /// `-`; not one of the policy language's reserved words.
    func checkBackendName(_ name: String, at node: Node, keyPath: String) -> Bool {
        let isLetter = { (c: Character) in c.isASCII && c.isLetter }
        guard let first = name.first, isLetter(first),
              name.allSatisfy({ isLetter($0) || ($0.isASCII && $0.isNumber) || $0 == "_" || $0 == "-" })
        else {
            report(.invalidValue, "backend name `\(name)` must start with a letter and contain only letters, digits, `_` and `-`",
                   at: node, keyPath: keyPath, help: "e.g. `billing`, `fleet-2`, `energy_manager`")
            return false
        }
        guard !GatewayConfig.reservedBackendNames.contains(name.lowercased()) else {
            let reserved = GatewayConfig.reservedBackendNames.sorted().map { "`\($0)`" }.joined(separator: ", ")
            report(.reservedName, "backend name `\(name)` is reserved by the policy language", at: node,
                   keyPath: keyPath, help: "choose another name; \(reserved) are reserved")
            return false
        }
        return true
    }

    /// Profiles 0 and 1 need `ws://`, profiles 2 and 3 need `wss://`.
    func checkScheme(
        profile: GatewayConfig.SecurityProfile, isTLS: Bool, in map: MappingReader, profileNode: Node?, urlNode: Node
    ) {
        guard profile.usesTLS != isTLS else { return }
        let scheme = profile.usesTLS ? "wss://" : "ws://"
        let fix = profile.usesTLS ? "use a `wss://` url, or `securityProfile: 0` or `1`"
            : "use a `ws://` url, or `securityProfile: 2` or `3`"
        report(.conflict, "`\(map.keyPath)` uses \(profile), which needs a `\(scheme)` url", at: profileNode ?? urlNode,
               keyPath: map.path("securityProfile"), help: fix)
    }

    /// Profiles 1 and 2 send a Basic auth password; profiles 0 and 3 must not have one.
    func checkPassword(
        _ password: Field<Secret>, passwordFile: Field<[String: Secret]> = .absent,
        profile: GatewayConfig.SecurityProfile, in map: MappingReader, profileNode: Node?
    ) {
        if !profile.usesBasicAuth, passwordFile.isGiven {
            report(.conflict, "`\(map.path("passwordFile"))` is not used with \(profile)", at: map.keyNode("passwordFile"),
                   keyPath: map.path("passwordFile"), help: "remove `passwordFile`, or set `securityProfile: 1` or `2`")
        }
        if profile.usesBasicAuth, !password.isGiven, !passwordFile.isGiven {
            report(.missingKey, "`\(map.keyPath)` uses \(profile) but has no `password`", at: profileNode ?? map.node,
                   keyPath: map.path("password"),
                   help: "add `password: env:VARIABLE` (the user name is the charge point id)"
                       + (profileNode == nil ? ", or set `securityProfile` to the profile the backend uses" : ""))
        } else if !profile.usesBasicAuth, password.isGiven {
            report(.conflict, "`\(map.path("password"))` is not sent with \(profile)", at: map.keyNode("password"),
                   keyPath: map.path("password"),
                   help: profile == .unsecured ? "remove `password`, or set `securityProfile: 1`"
                       : "remove `password`, or set `securityProfile: 2`")
        }
    }
}
