import OCPP

/// Compares what a backend received after redaction with a case's `redacted:` expectation.
enum RedactionComparison {
    /// The mismatches for one backend; `copy` is `nil` when the backend got no copy.
    static func compare(_ check: RedactionCheck, backend: String,
                        copy: (payload: JSONValue, changed: [String])?) -> [Mismatch] {
        let field = "redacted.\(backend)"
        guard let copy else {
            return [Mismatch(field: field, expected: "a copy for \(backend)", actual: "\(backend) is not a target")]
        }
        let changed = Set(copy.changed)
        switch check {
        case .changedPaths(let expected):
            guard expected != changed else { return [] }
            return [Mismatch(field: field, expected: describe(expected), actual: describe(changed))]
        case .fields(let expected):
            var mismatches: [Mismatch] = []
            for (path, value) in expected {
                let actual = path.value(in: copy.payload)
                let holds: Bool = switch (value, actual) {
                case (.dropped, nil): true
                case (.value(let wanted), let actual?): wanted.matches(actual)
                default: false
                }
                if !holds {
                    mismatches.append(Mismatch(field: "\(field).\(path)", expected: value.description,
                                               actual: actual?.serialized ?? ExpectedValue.droppedMarker))
                }
            }
            let listed = Set(expected.map { $0.path.fieldNames.joined(separator: ".") })
            let unlisted = changed.subtracting(listed)
            if !unlisted.isEmpty {
                let expectedText = expected.isEmpty ? "nothing redacted" : "only " + describe(listed) + " redacted"
                mismatches.append(Mismatch(field: field, expected: expectedText,
                                           actual: describe(changed) + " redacted"))
            }
            return mismatches
        }
    }

    private static func describe(_ paths: Set<String>) -> String {
        paths.isEmpty ? "[]" : "[" + paths.sorted().joined(separator: ", ") + "]"
    }
}
