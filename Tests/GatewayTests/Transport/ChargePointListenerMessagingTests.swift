import Gateway
import NIOCore
import NIOWebSocket
import Testing

/// Messages, control frames and closing on accepted charge point connections.
@Suite(.timeLimit(.minutes(1)))
struct ChargePointListenerMessagingTests {
    typealias F = TransportFixtures

    private func connect(_ harness: ListenerHarness, id: String = "CP-1") async throws -> TestWebSocketClient {
        let client = try await TestWebSocketClient.connect(
            port: harness.port, path: "/ocpp/\(id)", authorization: F.basic(id, F.password)
        )
        _ = try await client.upgradeResponse()
        return client
    }

    @Test func textFramesFlowBothWays() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await connect(harness)
        let call = #"[2,"1","Heartbeat",{}]"#
        try await client.send(text: call)
        try await client.send(text: "ünïcödé ✓")
        #expect(try await client.texts(count: 2) == ["echo:" + call, "echo:ünïcödé ✓"])
        let delegate = try await harness.delegate()
        #expect(delegate.texts == [call, "ünïcödé ✓"])
        delegate.handle.send(text: #"[2,"g1","Reset",{"type":"Soft"}]"#)
        #expect(try await client.texts(count: 3).last == #"[2,"g1","Reset",{"type":"Soft"}]"#)
        await client.close()
        try await waitUntil("didClose") { delegate.closeCode != nil }
        #expect(delegate.callbacksRanOnTheEventLoop)
        await harness.shutdown()
    }

    @Test func fragmentedMessageIsReassembled() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await connect(harness)
        try await client.send(.text, Array(#"[2,"7","#.utf8), fin: false)
        try await client.send(.ping, Array("between fragments".utf8))
        try await client.send(.continuation, Array(#""Heart"#.utf8), fin: false)
        try await client.send(.continuation, Array(#"beat",{}]"#.utf8), fin: true)
        let echoed = try await client.texts(count: 1)
        #expect(echoed == [#"echo:[2,"7","Heartbeat",{}]"#], "\(echoed)")
        #expect(try await client.frame(.pong).text == "between fragments")
        #expect(try await harness.delegate().texts == [#"[2,"7","Heartbeat",{}]"#])
        await client.close()
        await harness.shutdown()
    }

    @Test func messageOverMaxFrameSizeClosesWith1009AndOthersAreUnaffected() async throws {
        let harness = try await ListenerHarness.start(config: F.config(maxFrameSize: 1_024))
        let bystander = try await connect(harness, id: "CP-2")
        let client = try await connect(harness)
        try await client.send(text: String(repeating: "x", count: 1_025))
        #expect(try await client.frame(.connectionClose).closeCode == 1009)
        try await client.waitUntilClosed()
        try await bystander.send(text: "still here")
        #expect(try await bystander.texts(count: 1) == ["echo:still here"])
        // Fragments that add up to more than the limit are refused the same way.
        let fragmented = try await connect(harness)
        try await fragmented.send(.text, Array(repeating: UInt8(ascii: "y"), count: 600), fin: false)
        try await fragmented.send(.continuation, Array(repeating: UInt8(ascii: "y"), count: 600), fin: true)
        #expect(try await fragmented.frame(.connectionClose).closeCode == 1009)
        let oversized = try await waitFor("the oversized connection's delegate") {
            harness.delegates.all.first { $0.identity.id == "CP-1" }
        }
        try await waitUntil("the delegate to see the close") { oversized.closeCode != nil }
        #expect(oversized.closeCode == .some(1009))
        await bystander.close()
        await harness.shutdown()
    }

    @Test func messageOfExactlyMaxFrameSizeIsAccepted() async throws {
        let harness = try await ListenerHarness.start(config: F.config(maxFrameSize: 1_024), echo: false)
        let client = try await connect(harness)
        try await client.send(text: String(repeating: "x", count: 1_024))
        let delegate = try await harness.delegate()
        try await waitUntil("the message") { delegate.texts.count == 1 }
        await client.close()
        await harness.shutdown()
    }

    @Test func binaryFrameClosesWith1003() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await connect(harness)
        try await client.send(.binary, [1, 2, 3])
        #expect(try await client.frame(.connectionClose).closeCode == 1003)
        try await client.waitUntilClosed()
        await harness.shutdown()
    }

    @Test func invalidUTF8ClosesWith1007() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await connect(harness)
        try await client.send(.text, [0x5B, 0xC3, 0x28, 0x5D])
        #expect(try await client.frame(.connectionClose).closeCode == 1007)
        try await client.waitUntilClosed()
        await harness.shutdown()
    }

    @Test func unmaskedFrameClosesWith1002() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await connect(harness)
        try await client.send(.text, Array("not masked".utf8), masked: false)
        #expect(try await client.frame(.connectionClose).closeCode == 1002)
        try await client.waitUntilClosed()
        #expect(try await harness.delegate().texts.isEmpty)
        await harness.shutdown()
    }

    @Test func reservedBitClosesWith1002() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await connect(harness)
        try await client.send(.text, Array("compressed?".utf8), rsv1: true)
        #expect(try await client.frame(.connectionClose).closeCode == 1002)
        try await client.waitUntilClosed()
        await harness.shutdown()
    }

    @Test func closeWithAReservedCodeIsAnsweredWith1002() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await connect(harness)
        try await client.sendClose(code: 1005)
        #expect(try await client.frame(.connectionClose).closeCode == 1002)
        try await client.waitUntilClosed()
        await harness.shutdown()
    }

    @Test(arguments: [
        [UInt8](repeating: 0xFF, count: 64),                  // reserved opcode, 64-bit length
        [0x81, 0xFF] + [UInt8](repeating: 0x7F, count: 8),     // text frame claiming ~9 EB
        [0x89, 0xFE, 0x01, 0x00, 1, 2, 3, 4],                 // ping with a 256-byte payload
        [0x01, 0x80, 1, 2, 3, 4, 0x01, 0x80, 1, 2, 3, 4],     // a new text message inside a fragmented one
        [0x80, 0x80, 1, 2, 3, 4],                             // continuation without a start
    ])
    func garbageAfterTheUpgradeClosesTheConnection(bytes: [UInt8]) async throws {
        let harness = try await ListenerHarness.start()
        let request = [
            "GET /ocpp/CP-1 HTTP/1.1", "Host: x", "Upgrade: websocket", "Connection: Upgrade",
            "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Protocol: ocpp1.6", "Authorization: \(F.basic("CP-1", F.password))", "", "",
        ].joined(separator: "\r\n")
        let answer = try await RawHTTPClient.send(
            port: harness.port, request: request, rawTail: bytes
        )
        #expect(answer.hasPrefix("HTTP/1.1 101"))
        let delegate = try await harness.delegate()
        try await waitUntil("didClose") { delegate.closeCode != nil }
        #expect(delegate.texts.isEmpty)
        await harness.shutdown()
    }

    @Test func pingIsAnsweredWithPong() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await connect(harness)
        try await client.send(.ping, Array("are you there".utf8))
        #expect(try await client.frame(.pong).text == "are you there")
        await client.close()
        await harness.shutdown()
    }

    @Test func closeFromTheChargePointIsEchoedAndReported() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await connect(harness)
        try await client.sendClose(code: 1000)
        #expect(try await client.frame(.connectionClose).closeCode == 1000)
        try await client.waitUntilClosed()
        let delegate = try await harness.delegate()
        try await waitUntil("didClose") { delegate.closeCode != nil }
        #expect(delegate.closeCode == .some(1000))
        try await waitUntil("the registry to forget the connection") {
            harness.listener.registry.connection(for: "CP-1") == nil
        }
        await harness.shutdown()
    }

    @Test func delegateCanCloseAndThenSendingFails() async throws {
        // The client answers the close only after several steps: a close timeout of 1 s (the
        // harness's) ran out under heavy load and ended the close another way.
        let harness = try await ListenerHarness.start(options: .init(closeTimeout: .seconds(10)))
        let client = try await connect(harness)
        let delegate = try await harness.delegate()
        delegate.handle.close(code: .policyViolation, reason: "bye")
        let close = try await client.frame(.connectionClose)
        #expect(close.closeCode == 1008)
        #expect(close.data.dropFirst(2).elementsEqual("bye".utf8))
        let promise = delegate.handle.eventLoop.makePromise(of: Void.self)
        delegate.handle.send(text: "too late", promise: promise)
        await #expect(throws: TransportError.notConnected) { try await promise.futureResult.get() }
        // A second close while closing completes with the close under way.
        let secondClose = delegate.handle.eventLoop.makePromise(of: Void.self)
        delegate.handle.close(code: .normalClosure, reason: "", promise: secondClose)
        try await client.sendClose(code: 1008)
        try await secondClose.futureResult.get()
        try await client.waitUntilClosed()
        try await waitUntil("didClose") { delegate.closeCode != nil }
        #expect(delegate.closeCode == .some(1008))
        await harness.shutdown()
    }

    @Test func unansweredCloseTimesOut() async throws {
        let harness = try await ListenerHarness.start(options: .init(closeTimeout: .milliseconds(200)))
        let client = try await connect(harness)
        let delegate = try await harness.delegate()
        delegate.handle.close(code: .normalClosure, reason: "")
        _ = try await client.frame(.connectionClose)
        try await client.waitUntilClosed(timeout: .seconds(3))
        await harness.shutdown()
    }

    @Test func chargePointThatStopsReadingIsDisconnected() async throws {
        let harness = try await ListenerHarness.start(
            options: .init(closeTimeout: .seconds(1), stallTimeout: .milliseconds(300)), echo: false
        )
        let bystander = try await connect(harness, id: "CP-2")
        let client = try await connect(harness)
        try await client.stopReading()
        let delegate = try await waitFor("the stalled connection's delegate") {
            harness.delegates.all.first { $0.identity.id == "CP-1" }
        }
        let message = String(repeating: "m", count: 60_000)
        // Far more than the loopback socket buffers hold, so the channel becomes unwritable.
        for _ in 0..<600 { delegate.handle.send(text: message) }
        try await waitUntil("the stalled connection to be dropped", timeout: .seconds(10)) { delegate.closeCode != nil }
        #expect(delegate.closeCode == .some(nil))
        try await bystander.send(text: "unaffected")
        let other = try await waitFor("the bystander's delegate") { harness.delegates.all.first { $0.identity.id == "CP-2" } }
        try await waitUntil("the bystander's message") { other.texts == ["unaffected"] }
        await client.close()
        await bystander.close()
        await harness.shutdown()
    }

    @Test func silentChargePointIsPingedAndThenDropped() async throws {
        let harness = try await ListenerHarness.start(options: .init(closeTimeout: .seconds(1), pingInterval: .milliseconds(50)))
        // The test client never answers pings.
        let client = try await connect(harness)
        _ = try await client.frame(.ping)
        try await client.waitUntilClosed()
        let delegate = try await harness.delegate()
        try await waitUntil("didClose") { delegate.closeCode != nil }
        #expect(delegate.closeCode == .some(nil))
        await harness.shutdown()
    }

    @Test func secondConnectionWithSameIdReplacesTheFirst() async throws {
        let harness = try await ListenerHarness.start()
        let first = try await connect(harness)
        let firstDelegate = try await harness.delegate(0)
        let second = try await connect(harness)
        let secondDelegate = try await harness.delegate(1)
        let close = try await first.frame(.connectionClose)
        #expect(close.closeCode == 4000)
        #expect(close.data.dropFirst(2).elementsEqual("replaced by a new connection".utf8))
        try await first.sendClose(code: 4000)
        try await first.waitUntilClosed()
        try await waitUntil("the first delegate to close") { firstDelegate.closeCode != nil }
        #expect(harness.listener.registry.connection(for: "CP-1") === secondDelegate.handle)
        #expect(harness.listener.registry.count == 1)
        try await second.send(text: "new")
        #expect(try await second.texts(count: 1) == ["echo:new"])
        await second.close()
        await harness.shutdown()
    }

    @Test func shutdownClosesOpenConnectionsWithGoingAway() async throws {
        let harness = try await ListenerHarness.start(options: .init(closeTimeout: .milliseconds(300)))
        let client = try await connect(harness)
        let delegate = try await harness.delegate()
        try await waitUntil("the registry to hold the connection") {
            harness.listener.registry.connection(for: "CP-1") === delegate.handle
        }
        await harness.shutdown()
        #expect(try await client.frame(.connectionClose).closeCode == 1001)
        try await client.waitUntilClosed()
    }
}
