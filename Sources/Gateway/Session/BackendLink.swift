import OCPP
import Runtime

/// What the session knows about its link to one backend.
struct BackendLink {
    /// Where the backend stands with this charge point's BootNotification.
    enum Registration: Equatable {
        /// No BootNotification went through the gateway since the link came up: everything passes.
        case unknown
        /// A BootNotification is on its way: calls wait (``BackendLink/held``) until it is answered.
        case awaitingBoot
        /// The backend accepted the charge point.
        case accepted
        /// The backend answered Pending: it only gets what it asks for, and the boot again at `retryAt`.
        case pending(retryAt: Double)
        /// The backend answered Rejected (or failed the boot): nothing until `retryAt`.
        case rejected(retryAt: Double)

        /// `Pending`, `Rejected`, or `nil` for states that let calls through.
        var refusal: String? {
            switch self {
            case .pending: "Pending"
            case .rejected: "Rejected"
            default: nil
            }
        }

        /// When the boot is due again, for Pending and Rejected.
        var retryAt: Double? {
            switch self {
            case .pending(let at), .rejected(let at): at
            default: nil
            }
        }
    }

    /// A charge-point call waiting for the backend's boot answer, ready to send.
    struct HeldLeg {
        var token: Int
        var action: String
        var payload: JSONValue
    }

    var connected = false
    var registration = Registration.unknown
    /// Calls held while ``Registration/awaitingBoot``, in order. This is also the seam for durable
    /// queuing: a later store can keep these across a disconnect instead of dropping them.
    var held: [HeldLeg] = []
    /// Copies of MeterValues and StopTransaction waiting for this backend's own id of their
    /// transaction (its StartTransaction copy is not answered yet), in order.
    var awaitingTransactionId: [HeldLeg] = []
    /// Actions this backend triggered (TriggerMessage answered Accepted) while it has the charge
    /// point Pending: the next such call from the charge point reaches it.
    var triggered: Set<String> = []
    /// The link's owner holds a durable queue for this backend that is not yet drained: new
    /// charge-point calls for it are reported as `.notDelivered` (to append behind the queue)
    /// instead of being sent, so they never overtake what is queued.
    var queueing = false
}

/// The charge point's last BootNotification, replayed to backends that connect later.
struct CachedBoot {
    var payload: JSONValue
    var targets: TargetSet
}

