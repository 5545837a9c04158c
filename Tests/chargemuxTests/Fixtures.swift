import Foundation

/// Paths to repository files and scratch policy files for the CLI tests.
enum Fixtures {
    /// The repository root, found from this file's location.
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// `Examples/linking-world/site.policy`, absolute.
    static var linkingWorldPolicy: String { repositoryRoot + "/Examples/linking-world/site.policy" }

    /// `Examples/linking-world/capture.jsonl`, absolute.
    static var linkingWorldCapture: String { repositoryRoot + "/Examples/linking-world/capture.jsonl" }
}

extension Fixtures {
    /// Environment values that satisfy the `env:` secrets of `Examples/linking-world/gateway.yaml`.
    static let linkingWorldEnvironment = [
        "BILLING_KEY": "billing-secret", "FLEET_KEY": "fleet-secret", "EMS_KEY": "ems-secret",
        "VISITORS_KEY": "visitors-secret", "CHARGEMUX_HASH_KEY": "0123456789abcdef0123",
    ]

    /// `Examples/linking-world/gateway.yaml`, absolute.
    static var linkingWorldConfig: String { repositoryRoot + "/Examples/linking-world/gateway.yaml" }

    /// Writes `files` (name to text) into a fresh temporary folder, runs `body` with the folder's
    /// path, and removes the folder afterwards.
    static func withFiles<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("chargemux-cli-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in files {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        return try body(folder)
    }

    /// A small 1.6 policy with three backends, a hash redaction and a charge-point-limited allow.
    static let smallPolicy = """
        policy "small" for ocpp 1.6
        backends billing, ems, fleet
        primary billing
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route BootNotification, StatusNotification to all
        route Heartbeat to gateway
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner, ems
        route DataTransfer to fleet when vendorId == "com.fleetco" answered by fleet
        route DiagnosticsStatusNotification, FirmwareStatusNotification, LogStatusNotification to billing
        route SecurityEventNotification, SignCertificate, SignedFirmwareStatusNotification to billing
        allow ems SetChargingProfile
        allow fleet RemoteStopTransaction when chargePoint matches "CP-FLEET-*"
        allow billing RemoteStopTransaction, GetConfiguration
        deny ems RemoteStopTransaction
        redact idTag for ems as hash
        redact configurationKey.value in GetConfiguration for billing as mask

        """
}
