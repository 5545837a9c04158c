import Foundation
import OCPP

extension GatewayConfig {
    /// An OCPP backend the gateway connects to on behalf of each charge point (`backends[i]`).
    public struct Backend: Sendable {
        /// The backend's name, as the policy refers to it (`name`): a letter, then letters,
        /// digits, `_` or `-`; unique ignoring case; not a reserved word.
        public let name: String
        /// The backend's base `ws://` or `wss://` URL (`url`), without credentials, query or fragment.
        public let url: URL
        /// The OCPP version to speak (`ocppVersion`); `nil` means the version the charge point
        /// negotiated with the gateway.
        public let ocppVersion: OCPPVersion?
        /// How the gateway authenticates to the backend (`securityProfile`); its TLS use always
        /// matches the URL's scheme. Default: 0 for `ws://`, 2 for `wss://`.
        public let securityProfile: SecurityProfile
        /// The Basic auth password (`password`; the user is the charge point id): present exactly
        /// for profiles 1 and 2.
        public let password: Secret?
        /// TLS settings (`tls`); only for `wss://`.
        public let tls: BackendTLS?
        /// Per charge point Basic auth passwords (`passwordFile`: `cpid: key` lines), profiles 1
        /// and 2; a charge point without a line uses ``password``.
        public let chargePointPasswords: [String: Secret]
        /// Limits on the durable queue the gateway keeps for this backend while it is absent
        /// (`queue: { maxMessages, maxAge }`); `nil` for none.
        public var queueLimits: QueueLimits?
        /// What the gateway may do on this backend's behalf while it is absent (`offline`).
        public var offline: Offline = Offline()

        /// `offline: { authorizeCacheTTL, acceptTransactions }`.
        public struct Offline: Sendable, Equatable {
            /// How long an Accepted Authorize answer of this backend may answer for it while it is
            /// absent, in seconds; `nil` (the default) answers nothing from a cache.
            public var authorizeCacheTTL: TimeInterval?
            /// Whether the gateway accepts transactions on this backend's behalf while it is absent.
            public var acceptTransactions: Bool

            public init(authorizeCacheTTL: TimeInterval? = nil, acceptTransactions: Bool = false) {
                self.authorizeCacheTTL = authorizeCacheTTL
                self.acceptTransactions = acceptTransactions
            }
        }

        /// Creates a backend from values that are already checked.
        public init(
            name: String, url: URL, ocppVersion: OCPPVersion?, securityProfile: SecurityProfile,
            password: Secret? = nil, tls: BackendTLS? = nil, chargePointPasswords: [String: Secret] = [:]
        ) {
            self.chargePointPasswords = chargePointPasswords
            self.name = name
            self.url = url
            self.ocppVersion = ocppVersion
            self.securityProfile = securityProfile
            self.password = password
            self.tls = tls
        }

        /// The Basic auth password to send as `chargePointId`: its `passwordFile` line, else
        /// ``password``; `nil` for profiles 0 and 3.
        public func password(for chargePointId: String) -> Secret? {
            guard securityProfile.usesBasicAuth else { return nil }
            return chargePointPasswords[chargePointId] ?? password
        }

        /// The URL to connect to as `chargePointId`: ``url`` with the id appended as the last
        /// path segment (percent-encoded).
        public func url(for chargePointId: String) -> URL {
            url.appendingPathComponent(chargePointId, isDirectory: false)
        }
    }
}
