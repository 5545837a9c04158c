extension ConfigError {
    /// What kind of problem a diagnostic reports.
    ///
    /// A struct rather than an enum, as in swift-nio's error codes, so kinds can be added without
    /// breaking anyone who switches over them. Compare with `==` against the static constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// A stable kebab-case name, e.g. `unknown-key`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The name, e.g. `unknown-key`.
        public var description: String { rawValue }

        /// A key the configuration does not know at that place.
        public static let unknownKey = Code("unknown-key")
        /// A value of the wrong YAML type, e.g. a string where a number belongs.
        public static let wrongType = Code("wrong-type")
        /// A required key is absent.
        public static let missingKey = Code("missing-key")
        /// A value of the right type that is not allowed: out of range, malformed, unsupported.
        public static let invalidValue = Code("invalid-value")
        /// Values that contradict each other, e.g. `securityProfile: 2` with a `ws://` url.
        public static let conflict = Code("conflict")
        /// The same key twice in one YAML mapping.
        public static let duplicateKey = Code("duplicate-key")
        /// A value that must be unique but is not, e.g. two backends with one name.
        public static let duplicateValue = Code("duplicate-value")
        /// A backend name the policy language reserves (`all`, `gateway`, `owner`, `primary`).
        public static let reservedName = Code("reserved-name")
        /// An `env:NAME` value whose variable is not set.
        public static let missingEnvironmentVariable = Code("missing-environment-variable")
        /// A file or folder the configuration names does not exist.
        public static let fileNotFound = Code("file-not-found")
        /// A file exists but can't be read or is not UTF-8.
        public static let unreadableFile = Code("unreadable-file")
        /// The text is not valid YAML.
        public static let yamlSyntax = Code("yaml-syntax")
    }
}
