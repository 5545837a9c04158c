import Foundation
import Logging
import NIOCore
import OCPP
import Runtime

/// Carrying out the session's effects on the connections and the log.
extension ChargePointLink {
    func name(of index: Int) -> String {
        let backends = session.policy.policy.backends
        return backends.indices.contains(index) ? backends[index] : "backend-\(index)"
    }

    /// Keeps the StatusNotifications of `effects` that absent backends miss, the latest per
    /// connector (not queued one by one: a backend gets each connector's state on return);
    /// `true` when there was one, so the snapshot must be stored.
    func keepMissedStatus(_ effects: [SessionEffect]) -> Bool {
        var kept = false
        for case .notDelivered(let index, "StatusNotification", let payload, _) in effects {
            missedStatus[index, default: [:]][payload["connectorId"]?.intValue ?? 0] = payload
            kept = true
        }
        return kept
    }

    /// The session's snapshot with the statuses absent backends missed, to keep.
    var durableSnapshot: SessionSnapshot {
        var snapshot = session.snapshot
        for (index, connectors) in missedStatus where !connectors.isEmpty { snapshot.missedStatus[name(of: index)] = connectors }
        return snapshot
    }

    /// Takes up the missed statuses of a restored snapshot.
    func restoreMissedStatus(_ snapshot: SessionSnapshot) {
        for (backend, connectors) in snapshot.missedStatus {
            guard let index = session.policy.policy.backends.firstIndex(of: backend) else { continue }
            missedStatus[index, default: [:]].merge(connectors) { _, restored in restored }
        }
    }

    func execute(_ effects: [SessionEffect]) {
        for effect in effects {
            switch effect {
            case .sendToChargePoint(let text):
                if !holdsAnswer(text) { connection.send(text: text) }
            case .sendToBackend(let index, let text):
                if connectors[index]?.send(text: text) != true {
                    logger.notice("message for a backend that is not connected dropped",
                                  metadata: ["backend": "\(session.policy.policy.backends[index])"])
                }
            case .decision(let record):
                // Without its details the record is not the decision line: the level drops it.
                if session.settings.recordsDecisionDetails { logger.info("\(record)") }
            case .consumed(let index, let text):
                logger.debug("answer consumed", metadata: [
                    "backend": "\(session.policy.policy.backends[index])", "frame": "\(Self.summary(text))",
                ])
            case .notDelivered(let index, "StatusNotification", let payload, _):
                // Kept in `missedStatus` by `keepMissedStatus`, before the snapshot is stored.
                let connector = payload["connectorId"]?.intValue ?? 0
                logger.info("StatusNotification kept for an absent backend (latest per connector)", metadata: [
                    "backend": "\(name(of: index))", "connectorId": "\(connector)",
                ])
            case .notDelivered(let index, let action, _, let reason):
                if context.store != nil, Self.queuedActions.contains(action) {
                    logger.info("message queued for an absent backend", metadata: [
                        "backend": "\(name(of: index))", "action": "\(action)", "reason": "\(reason)",
                    ])
                } else {
                    logger.warning("message not delivered", metadata: [
                        "backend": "\(name(of: index))", "action": "\(action)", "reason": "\(reason)",
                    ])
                }
            case .ignored(let peer, let text, let reason):
                logger.notice("message ignored", metadata: [
                    "from": "\(peer)", "reason": "\(reason)", "frame": "\(Self.summary(text))",
                ])
            }
        }
    }
}
