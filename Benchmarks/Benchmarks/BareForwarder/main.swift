// bare-forwarder: the floor under the gateway's cost. It does only the networking a call through
// the gateway needs: three WebSocket connections per charge point (one in, one to each of two
// backends), each CALL copied to every backend and the first backend's answer returned. No OCPP
// parse, policy, store or id rewrite. Measured with the same `chargemux loadtest` as the gateway
// (`ONLY=bare` in scripts/bench-gateway), it shows what CPU per call and throughput the kernel
// and SwiftNIO leave on this machine.
//
//   bare-forwarder --listen 127.0.0.1:8480 --path /ocpp \
//       --backends ws://127.0.0.1:9001/ocpp,ws://127.0.0.1:9002/ocpp
//
// Event loops: one per core, or NIO_SINGLETON_GROUP_LOOP_COUNT. Runs until it is killed.
import BareNIO
import Foundation
import NIOHTTP1

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bare-forwarder: \(message)\n".utf8))
    exit(2)
}

var listen = "127.0.0.1:8480"
var path = "/ocpp"
var backendURLs: [BackendURL] = []
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    guard let value = arguments.popFirst() else { fail("`\(name)` needs a value") }
    switch name {
    case "--listen": listen = value
    case "--path": path = value
    case "--backends":
        backendURLs = value.split(separator: ",").map { part -> BackendURL in
            guard let url = BackendURL(String(part)) else { fail("`\(part)` is not a `ws://host:port/path` URL") }
            return url
        }
    default: fail("unknown option `\(name)`; options: --listen HOST:PORT --path /ocpp --backends ws://…,ws://…")
    }
}
guard !backendURLs.isEmpty else { fail("give the backends: --backends ws://127.0.0.1:9001/ocpp,…") }
guard let colon = listen.lastIndex(of: ":"), let listenPort = Int(listen[listen.index(after: colon)...]) else {
    fail("`\(listen)` is not HOST:PORT")
}
let listenHost = String(listen[..<colon])
let prefix = path.hasSuffix("/") ? path : path + "/"
let urls = backendURLs

let server = try await BareWebSocket.serve(
    host: listenHost, port: listenPort,
    headers: { head in
        guard head.uri.hasPrefix(prefix), head.uri.count > prefix.count else { return nil }
        var headers = HTTPHeaders()
        let offered = head.headers["Sec-WebSocket-Protocol"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if offered.contains("ocpp1.6") { headers.add(name: "Sec-WebSocket-Protocol", value: "ocpp1.6") }
        return headers
    },
    handler: { head in ChargePointLeg(id: String(head.uri.dropFirst(prefix.count)), backendURLs: urls) })
FileHandle.standardError.write(Data("bare-forwarder: listening on \(listen)\(prefix){id}, backends \(urls.count)\n".utf8))
try await server.closeFuture.get()
