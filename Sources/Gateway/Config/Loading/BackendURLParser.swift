import Foundation

/// Parses a backend's `url`: `ws://` or `wss://`, a host, an optional port 1...65535, a path;
/// no credentials, query or fragment. Never quotes a url that may hold credentials.
enum BackendURLParser {
    static func parse(_ text: String, keyPath: String) -> Result<URL, ValueProblem> {
        let shown = text.contains("@") ? "" : ", found `\(text)`"
        let scheme = text.range(of: "://").map { text[..<$0.lowerBound].lowercased() }
        guard scheme == "ws" || scheme == "wss" else {
            return .failure(ValueProblem("`\(keyPath)` must start with `ws://` or `wss://`\(shown)",
                                         help: "ocpp backends speak websocket; " + example))
        }
        guard !text.contains(where: \.isWhitespace), let components = URLComponents(string: text) else {
            return .failure(ValueProblem("`\(keyPath)` is not a valid url\(shown)", help: example))
        }
        guard components.user == nil, components.password == nil else {
            return .failure(ValueProblem("`\(keyPath)` must not contain credentials",
                                         help: "remove `user:password@` and set `password: env:VARIABLE`"))
        }
        guard let host = components.host, !host.isEmpty else {
            return .failure(ValueProblem("`\(keyPath)` has no host\(shown)", help: example))
        }
        if let port = components.port, !(1...65_535).contains(port) {
            return .failure(ValueProblem("port `\(port)` in `\(keyPath)` must be between 1 and 65535"))
        }
        guard components.query == nil, components.fragment == nil else {
            return .failure(ValueProblem("`\(keyPath)` must not have a query or fragment\(shown)",
                                         help: "the charge point id is appended as the last path segment"))
        }
        guard let url = components.url else {
            return .failure(ValueProblem("`\(keyPath)` is not a valid url\(shown)", help: example))
        }
        return .success(url)
    }

    private static let example = "write e.g. `ws://127.0.0.1:9001/ocpp` or `wss://backend.example.com/ocpp`"
}
