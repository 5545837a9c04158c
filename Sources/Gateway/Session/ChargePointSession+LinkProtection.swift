import OCPP

/// Commands that would change how the charge point connects, and so cut the gateway out of its own
/// link: no policy can allow them until a later version gives them a safe path.
extension ChargePointSession {
    /// 1.6 configuration keys that change how the charge point connects.
    static let protectedConfigurationKeys: Set<String> = ["authorizationkey", "securityprofile"]

    /// 2.0.1 variables (component, variable) that change how the station connects.
    static let protectedVariables: Set<[String]> = [
        ["securityctrlr", "basicauthpassword"],
        ["securityctrlr", "securityprofile"],
        ["ocppcommctrlr", "networkconfigurationpriority"],
    ]

    /// Why the gateway refuses this backend call whatever the policy says, or `nil`.
    static func linkProtectionRefusal(action: String, payload: JSONValue) -> String? {
        let explanation = "would cut the gateway out of its own link to the charge point; change it at the gateway instead"
        switch action {
        case "ChangeConfiguration":
            guard let key = payload["key"]?.stringValue, protectedConfigurationKeys.contains(key.lowercased()) else { return nil }
            return "changing `\(key)` \(explanation)"
        case "SetNetworkProfile":
            return "a new network profile \(explanation)"
        case "SetVariables":
            for item in payload["setVariableData"]?.arrayValue ?? [] {
                guard let component = item["component"]?["name"]?.stringValue,
                      let variable = item["variable"]?["name"]?.stringValue,
                      protectedVariables.contains([component.lowercased(), variable.lowercased()])
                else { continue }
                return "setting `\(component).\(variable)` \(explanation)"
            }
            return nil
        default:
            return nil
        }
    }
}
