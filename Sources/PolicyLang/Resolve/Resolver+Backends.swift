import Foundation

extension Resolver {
    /// Fixes the set of backends: a `backends` statement, else the config, else every name used.
    mutating func declareBackends() {
        var declaration: BackendsDeclaration?
        for case .backends(let statement) in file.declarations {
            if let earlier = declaration {
                report(.duplicateDeclaration, "`backends` is declared twice", at: statement.span,
                       help: "list every backend in one `backends` statement",
                       notes: [Diagnostic.Note("first declared here", in: source, at: earlier.span)])
                continue
            }
            declaration = statement
        }
        if let declaration {
            backendSource = .declaration(declaration.span)
            for name in declaration.backends {
                if Self.reservedBackendNames.contains(name.name) {
                    report(.reservedName, "`\(name.name)` is a keyword and cannot name a backend", at: name.span)
                    continue
                }
                if let configBackends, !configBackends.contains(name.name) {
                    report(.unknownBackend, "backend `\(name.name)` is not in the gateway config", at: name.span,
                           help: suggestion(for: name.name, among: configBackends) ?? "add it to `backends:` in the config")
                }
                if !backends.contains(name.name) { backends.append(name.name) }
            }
        } else if let configBackends {
            backendSource = .config
            backends = configBackends
        }
    }

    /// Binds a backend name; reports unknown or reserved names and returns nil for them.
    mutating func backend(_ name: Identifier) -> Int? {
        if Self.reservedBackendNames.contains(name.name) {
            report(.reservedName, "`\(name.name)` is a keyword and cannot stand for a backend here", at: name.span,
                   help: name.name == "all" ? "name the backends one by one" : nil)
            return nil
        }
        if backendMentions[name.name] == nil { backendMentions[name.name] = name.span }
        if let index = backends.firstIndex(of: name.name) { return index }
        switch backendSource {
        case .usage:
            backends.append(name.name)
            return backends.count - 1
        case .declaration:
            report(.unknownBackend, "backend `\(name.name)` is not declared", at: name.span,
                   help: suggestion(for: name.name, among: backends) ?? "add it to the `backends` statement")
            return nil
        case .config:
            report(.unknownBackend, "backend `\(name.name)` is not in the gateway config", at: name.span,
                   help: suggestion(for: name.name, among: backends) ?? "add it to `backends:` in the config, or fix the name")
            return nil
        }
    }

    /// Binds a list of backends where `all` is allowed.
    mutating func backendSelection(_ names: [Identifier]) -> BackendSelection {
        if let all = names.first(where: { $0.name == "all" }) {
            if names.count > 1 {
                report(.syntax, "`all` already names every backend", at: all.span, help: "write `all` alone")
            }
            return .all
        }
        return .some(names.compactMap { backend($0) })
    }
}

extension Resolver {
    /// Reads the default list file from disk, UTF-8.
    public static let readFileFromDisk: ListFileReader = { path in
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Declares every `list`, reading `from file` lists relative to the policy file.
    mutating func declareLists() {
        for case .list(let declaration) in file.declarations {
            let name = declaration.name.name
            if let earlier = lists[name] {
                report(.duplicateDeclaration, "list `\(name)` is declared twice", at: declaration.name.span,
                       help: "rename one of them", notes: [Diagnostic.Note("first declared here", in: source, at: earlier.span)])
                continue
            }
            var entries: [String] = []
            var path: String?
            var unreadable = false
            switch declaration.contents {
            case .inline(let literals):
                entries = literals.map(\.value)
            case .file(let literal):
                let resolved = resolvePath(literal.value)
                path = resolved
                do {
                    entries = Self.parseListFile(try readListFile(resolved))
                } catch {
                    unreadable = true
                    report(.listFileUnreadable, "cannot read list file `\(literal.value)`", at: literal.span,
                           label: "looked for `\(resolved)`",
                           help: "the path is relative to the policy file; create the file or fix the path")
                }
            }
            var seen: Set<String> = []
            entries = entries.filter { seen.insert($0.lowercased()).inserted }
            if entries.isEmpty, !unreadable {
                report(.emptyList, "list `\(name)` has no entries", at: declaration.name.span,
                       help: "a condition `in \(name)` can never be true")
            }
            lists[name] = ResolvedList(name: name, span: declaration.name.span, entries: entries, path: path)
        }
    }

    /// Entries of a list file: one per line; `#` starts a comment; blank lines are skipped.
    static func parseListFile(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let entry = content.trimmingCharacters(in: " \t\r")
            return entry.isEmpty ? nil : String(entry)
        }
    }

    private func resolvePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let directory = (source.path as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : directory + "/" + path
    }

    mutating func reportUnusedLists() {
        for list in lists.values.sorted(by: { $0.span.start < $1.span.start }) where !usedLists.contains(list.name) {
            report(.unusedList, "list `\(list.name)` is declared but no rule uses it", at: list.span,
                   help: "use it in a condition (`idTag in \(list.name)`) or remove it")
        }
    }
}
