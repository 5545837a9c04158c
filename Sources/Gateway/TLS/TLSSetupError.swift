import Foundation

/// Why certificates or keys for a TLS listener or backend could not be used. Every case names the
/// file; none carries key material.
public enum TLSSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read or holds no usable PEM of the expected kind.
    case unreadable(file: String, reason: String)
    /// A certificate's validity period ended before now.
    case expired(file: String, notBefore: Date, notAfter: Date)
    /// A certificate's validity period starts after now.
    case notYetValid(file: String, notBefore: Date, notAfter: Date)
    /// A key is too weak for OCPP (RSA < 2048 or EC < 224 bits).
    case weakKey(file: String, reason: String)
    /// `certificateDir` has no `<id>.pem` / `<id>.key` for a charge point.
    case missingChargePointCertificate(directory: String, chargePointId: String)

    /// `FILE: certificate expired on DATE (valid FROM … TO)` and the like.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): \(reason)"
        case .expired(let file, let notBefore, let notAfter):
            return "\(file): certificate expired on \(Self.timestamp(notAfter)) "
                + "(valid \(Self.day(notBefore)) … \(Self.day(notAfter)))"
        case .notYetValid(let file, let notBefore, let notAfter):
            return "\(file): certificate not valid before \(Self.timestamp(notBefore)) "
                + "(valid \(Self.day(notBefore)) … \(Self.day(notAfter)))"
        case .weakKey(let file, let reason):
            return "\(file): \(reason)"
        case .missingChargePointCertificate(let directory, let id):
            return "\(directory): no \(id).pem and \(id).key for charge point \(id)"
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func day(_ date: Date) -> String {
        String(timestamp(date).prefix(10))
    }
}
