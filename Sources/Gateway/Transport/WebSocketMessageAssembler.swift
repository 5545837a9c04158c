import NIOCore
import NIOWebSocket

/// Checks each raw frame and reassembles fragmented messages, inside
/// ``WebSocketConnectionHandler`` rather than as two more pipeline handlers: every frame of every
/// message would otherwise pay two handler hops (and their retains and casts) on the hot path.
///
/// The checks (RFC 6455 §5.1–5.2): frames from a client must be masked and frames from a server
/// must not be; no reserved bit may be set, as no extension is negotiated. After a violation
/// every later frame is dropped.
///
/// The reassembly is `NIOWebSocketFrameAggregator`'s, with a minimum fragment size of 0, and
/// fails with its errors: at most ``maxFragments`` fragments and ``maxMessageSize`` bytes per
/// message; a continuation needs a message to continue, a new message needs the last one finished.
/// A failure drops the fragments held; later frames are taken as they come (the handler is closing).
struct WebSocketMessageAssembler {
    /// A frame that breaks the rules.
    enum Violation: Error {
        case unmaskedClientFrame
        case maskedServerFrame
        case reservedBitSet
    }

    /// What became of one frame.
    enum Outcome {
        /// A whole frame to handle: an unfragmented message, a reassembled one or a control frame.
        case frame(WebSocketFrame)
        /// A fragment, held until its message is complete.
        case held
        /// Dropped: an earlier frame broke the rules.
        case dropped
        /// A violation or a reassembly error (`NIOWebSocketFrameAggregator.Error`).
        case failure(any Error)
    }

    /// Whether the frames come from a client (so must be masked).
    let peerIsClient: Bool
    /// The most fragments one message may have.
    let maxFragments: Int
    /// The most bytes one message may have, fragments together.
    let maxMessageSize: Int

    private var violated = false
    private var fragments: [WebSocketFrame] = []
    private var accumulatedSize = 0

    init(peerIsClient: Bool, maxFragments: Int, maxMessageSize: Int) {
        self.peerIsClient = peerIsClient
        self.maxFragments = maxFragments
        self.maxMessageSize = maxMessageSize
    }

    /// Takes the next raw frame.
    mutating func take(_ frame: WebSocketFrame, allocator: ByteBufferAllocator) -> Outcome {
        guard !violated else { return .dropped }
        let violation: Violation? =
            if frame.rsv1 || frame.rsv2 || frame.rsv3 { .reservedBitSet }
            else if peerIsClient && frame.maskKey == nil { .unmaskedClientFrame }
            else if !peerIsClient && frame.maskKey != nil { .maskedServerFrame }
            else { nil }
        if let violation {
            violated = true
            return .failure(violation)
        }
        do {
            switch frame.opcode {
            case .text, .binary:
                // The common case: a whole message in one frame, passed on as is (still masked).
                if frame.fin {
                    guard fragments.isEmpty else {
                        throw NIOWebSocketFrameAggregator.Error.receivedNewFrameWithoutFinishingPrevious
                    }
                    return .frame(frame)
                }
                try hold(frame)
                return .held
            case .continuation:
                guard let opcode = fragments.first?.opcode else {
                    throw NIOWebSocketFrameAggregator.Error.didReceiveFragmentBeforeReceivingTextOrBinaryFrame
                }
                try hold(frame)
                guard frame.fin else { return .held }
                var data = allocator.buffer(capacity: accumulatedSize)
                for fragment in fragments {
                    var unmasked = fragment.unmaskedData
                    data.writeBuffer(&unmasked)
                }
                clear()
                return .frame(WebSocketFrame(fin: true, opcode: opcode, data: data))
            default:
                // Control frames are never fragmented.
                return .frame(frame)
            }
        } catch {
            clear()
            return .failure(error)
        }
    }

    private mutating func hold(_ frame: WebSocketFrame) throws {
        guard fragments.isEmpty || frame.opcode == .continuation else {
            throw NIOWebSocketFrameAggregator.Error.receivedNewFrameWithoutFinishingPrevious
        }
        // A non-final fragment promises one more: it must leave room for it.
        guard fragments.count < maxFragments, frame.fin || fragments.count + 1 < maxFragments else {
            throw NIOWebSocketFrameAggregator.Error.tooManyFragments
        }
        fragments.append(frame)
        accumulatedSize += frame.length
        guard accumulatedSize <= maxMessageSize else {
            throw NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge
        }
    }

    private mutating func clear() {
        fragments.removeAll(keepingCapacity: true)
        accumulatedSize = 0
    }
}
