import Yams

extension ConfigDecoder {
    /// What a configured path must name.
    enum PathKind {
        case file
        case directory
    }

    /// A path under `key`, made absolute against the config file's folder, that must exist and be
    /// a `kind`. Messages name the path as written and as resolved.
    func existingPath(
        _ key: String, in map: MappingReader, kind: PathKind = .file, required: Bool = false
    ) -> Field<String> {
        let path = map.path(key)
        return nonEmptyString(key, in: map, required: required).flatMap { written, node in
            let resolved = PathResolver.resolve(written, against: baseDirectory)
            switch (fileSystem.entry(at: resolved), kind) {
            case (.file, .file), (.directory, .directory):
                return resolved
            case (.missing, _):
                let noun = kind == .file ? "file" : "folder"
                report(.fileNotFound, "\(noun) `\(written)` for `\(path)` not found at `\(resolved)`",
                       at: node, keyPath: path,
                       help: "relative paths are resolved against the configuration's folder `\(baseDirectory)`")
            case (.directory, .file):
                report(.invalidValue, "`\(path)` names the folder `\(resolved)`, not a file", at: node, keyPath: path)
            case (.file, .directory):
                report(.invalidValue, "`\(path)` names the file `\(resolved)`, not a folder", at: node, keyPath: path)
            }
            return nil
        }
    }
}
