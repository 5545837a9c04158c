// bare-echo: the issue's reference figure, measured on the machine at hand. A SwiftNIO WebSocket
// echo server and a client that keeps K frames in flight on each of N connections and counts the
// round trips. Run from scripts/bench-echo.
//
//   bare-echo serve 127.0.0.1:9400
//   bare-echo drive 127.0.0.1:9400 --connections 1 --in-flight 100 --seconds 10
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bare-echo: \(message)\n".utf8))
    exit(2)
}

func hostAndPort(_ text: String) -> (String, Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
        fail("`\(text)` is not HOST:PORT")
    }
    return (String(text[..<colon]), port)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else { fail("usage: bare-echo serve HOST:PORT | drive HOST:PORT --connections N --in-flight K --seconds S") }
let mode = arguments.removeFirst()
let (host, port) = hostAndPort(arguments.removeFirst())
var options: [String: Int] = ["--connections": 1, "--in-flight": 100, "--seconds": 10]
while !arguments.isEmpty {
    let name = arguments.removeFirst()
    guard options[name] != nil, !arguments.isEmpty, let value = Int(arguments.removeFirst()), value > 0 else {
        fail("`\(name)` takes a positive number; options: --connections N --in-flight K --seconds S")
    }
    options[name] = value
}

switch mode {
case "serve":
    try await EchoServer.run(host: host, port: port)
case "drive":
    let result = try await EchoDriver.run(
        host: host, port: port, connections: options["--connections"]!, inFlight: options["--in-flight"]!,
        seconds: options["--seconds"]!)
    print(String(format: #"{"connections": %d, "inFlight": %d, "seconds": %.2f, "roundTrips": %d, "roundTripsPerSecond": %.0f}"#,
                 options["--connections"]!, options["--in-flight"]!, result.seconds, result.roundTrips,
                 Double(result.roundTrips) / result.seconds))
default:
    fail("unknown mode `\(mode)`: serve or drive")
}
