import Foundation
import Yams

extension ConfigDecoder {
    /// `backends[i].queue: { maxMessages: 10000, maxAge: 7d }`: limits on the durable queue the
    /// gateway keeps for the backend while it is absent. Absent keys mean no limit.
    func decodeBackendQueue(in backend: MappingReader) -> Field<QueueLimits> {
        guard let node = node("queue", in: backend) else { return .absent }
        guard let map = mapping(node, keyPath: backend.path("queue"), known: ["maxMessages", "maxAge"]) else { return .invalid }
        let maxMessages = integer("maxMessages", in: map, range: 1...100_000_000, unit: "messages")
        let maxAge = duration("maxAge", in: map)
        guard let length = maxMessages.optionalValue, let age = maxAge.optionalValue else { return .invalid }
        return .present(QueueLimits(maxLength: length, maxAge: age), node)
    }

    /// `backends[i].offline: { authorizeCacheTTL: 1h, acceptTransactions: false }`.
    func decodeBackendOffline(in backend: MappingReader) -> Field<GatewayConfig.Backend.Offline> {
        guard let node = node("offline", in: backend) else { return .absent }
        guard let map = mapping(node, keyPath: backend.path("offline"), known: ["authorizeCacheTTL", "acceptTransactions"])
        else { return .invalid }
        let ttl = duration("authorizeCacheTTL", in: map)
        let accept = boolean("acceptTransactions", in: map)
        guard let ttl = ttl.optionalValue, let accept = accept.value(or: false) else { return .invalid }
        return .present(GatewayConfig.Backend.Offline(authorizeCacheTTL: ttl, acceptTransactions: accept), node)
    }

    /// A duration under `key`: a whole number of seconds, or a number with a unit `s`, `m`, `h`
    /// or `d` (`90s`, `30m`, `1h`, `7d`); more than zero.
    func duration(_ key: String, in map: MappingReader) -> Field<TimeInterval> {
        string(key, in: map).flatMap { text, node in
            if let seconds = Self.parseDuration(text) { return seconds }
            report(.invalidValue, "`\(map.path(key))` must be a duration such as `90s`, `30m`, `1h` or `7d`, found `\(text)`",
                   at: node, keyPath: map.path(key), help: "write a positive whole number followed by s, m, h or d")
            return nil
        }
    }

    /// Seconds of `90`, `90s`, `30m`, `1h`, `7d`; `nil` for anything else or zero.
    static func parseDuration(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = text
        var factor = 1.0
        if let last = text.last, let unit = units[last] {
            digits = String(text.dropLast())
            factor = unit
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int(digits), value > 0 else {
            return nil
        }
        return Double(value) * factor
    }
}
