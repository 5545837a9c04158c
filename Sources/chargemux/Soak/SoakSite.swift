import Foundation

/// The site a soak runs: three backends, fleet cards owned by `fleet`, everyone else by
/// `billing`, every transaction message copied to `ems`.
enum SoakSite {
    static let backends = ["billing", "fleet", "ems"]

    static let policy = """
        policy "soak" for ocpp 1.6
        primary billing
        owner fleet   when idTag matches "FLEET-*"
        owner billing otherwise
        route BootNotification, StatusNotification to all
        route Heartbeat to gateway
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        route StartTransaction, StopTransaction, MeterValues to ems
        """

    static let chargePointPassword = "soak-charge-point-password"

    /// The config, with the backends' ports and the store in `folder`.
    static func config(ports: [String: Int], folder: String) -> String {
        let backendLines = backends.map { name in
            "  - { name: \(name), url: \"ws://127.0.0.1:\(ports[name] ?? 0)/ocpp\", ocppVersion: \"1.6\", securityProfile: 0 }"
        }
        return """
            listen:
              - { address: "127.0.0.1:8180", path: /ocpp, securityProfile: 1 }
            policy: site.policy
            store: sqlite:\(folder)/soak.db
            callTimeout: 10
            chargePoints:
              - { id: "SOAK-*", password: "\(chargePointPassword)" }
            backends:
            \(backendLines.joined(separator: "\n"))
            """
    }
}
