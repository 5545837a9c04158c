import Yams

extension ConfigDecoder {
    /// A secret under `key`: the text itself, or with `env:NAME` the environment variable `NAME`.
    /// Messages name the key and the variable, never the value.
    func secret(_ key: String, in map: MappingReader, required: Bool = false) -> Field<Secret> {
        let path = map.path(key)
        return string(key, in: map, required: required).flatMap { text, node in
            guard text.hasPrefix(Self.environmentPrefix) else {
                guard !text.isEmpty else {
                    report(.invalidValue, "`\(path)` is empty", at: node, keyPath: path)
                    return nil
                }
                return Secret(text)
            }
            return environmentSecret(named: String(text.dropFirst(Self.environmentPrefix.count)),
                                     for: path, at: node)
        }
    }

    private func environmentSecret(named name: String, for path: String, at node: Node) -> Secret? {
        guard Self.isEnvironmentName(name) else {
            report(.invalidValue, "`env:\(name)` in `\(path)` is not a valid environment variable name",
                   at: node, keyPath: path,
                   help: "write `env:NAME` where NAME is letters, digits and `_`, not starting with a digit")
            return nil
        }
        guard let value = environment[name] else {
            report(.missingEnvironmentVariable, "environment variable `\(name)` for `\(path)` is not set",
                   at: node, keyPath: path, help: "set `\(name)` in the gateway's environment")
            return nil
        }
        guard !value.isEmpty else {
            report(.invalidValue, "environment variable `\(name)` for `\(path)` is empty", at: node,
                   keyPath: path, help: "set `\(name)` to the secret")
            return nil
        }
        return Secret(value, source: .environment(name))
    }

    /// The prefix that makes a secret come from the environment.
    static let environmentPrefix = "env:"

    /// Whether `name` is a portable environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic)
            || ("0"..."9").contains($0) }
    }

    /// Where a secret's value came from, for messages: `` `X` `` or the value of `` `env:VAR` ``.
    static func origin(of secret: Secret, path: String) -> String {
        switch secret.source {
        case .inline: "`\(path)`"
        case .environment(let name): "`\(path)` (from environment variable `\(name)`)"
        }
    }
}
