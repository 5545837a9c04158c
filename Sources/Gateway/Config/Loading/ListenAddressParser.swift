/// Parses listener addresses: `host:port` or `[ipv6]:port`, port 1...65535.
enum ListenAddressParser {
    static func parse(_ text: String, keyPath: String) -> Result<GatewayConfig.Listener.Address, ValueProblem> {
        if text.contains("://") {
            return .failure(ValueProblem("`\(keyPath)` must be `host:port`, not a url; found `\(text)`",
                                         help: "write e.g. `127.0.0.1:8180` and put the path in `path`"))
        }
        let host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") else {
                return .failure(ValueProblem("`\(keyPath)` must be `[ipv6]:port`, found `\(text)`",
                                             help: "write e.g. `[::1]:8180`"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
            let parts = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
            let zone = parts.count == 2 ? parts[1] : "z"
            guard parts[0].contains(":"), parts[0].allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }),
                  !zone.isEmpty, zone.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
            else { return .failure(ValueProblem("`\(host)` in `\(keyPath)` is not an ipv6 address")) }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(ValueProblem("`\(keyPath)` must be `host:port`, found `\(text)`",
                                             help: "add the port, e.g. `\(text):8180`"))
            }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            if host.contains(":") {
                return .failure(ValueProblem("ipv6 address in `\(keyPath)` needs brackets, found `\(text)`",
                                             help: "write `[\(host)]:\(port)`, in quotes"))
            }
            guard !host.isEmpty else {
                return .failure(ValueProblem("`\(keyPath)` has no host, found `\(text)`",
                                             help: "use `0.0.0.0\(text)` to listen on all interfaces"))
            }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
            else { return .failure(ValueProblem("`\(host)` in `\(keyPath)` is not a host name or ip address")) }
        }
        guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }), port.count <= 5,
              let number = Int(port), (1...65_535).contains(number)
        else { return .failure(ValueProblem("port `\(port)` in `\(keyPath)` must be a number between 1 and 65535")) }
        return .success(GatewayConfig.Listener.Address(host: String(host), port: number))
    }
}
