extension OCPPCatalog {
    /// The action name most like `name`, for "did you mean" hints (see ``nearestName(to:among:)``).
    public func nearestActionName(to name: String) -> String? {
        nearestName(to: name, among: actions.lazy.map(\.name))
    }

    /// The actions with exactly this direction (`.both` gives only DataTransfer), sorted by name.
    public func actions(direction: MessageDirection) -> [ActionSpec] {
        actions.filter { $0.direction == direction }
    }

    /// The actions a charge point may send as a CALL, DataTransfer included, sorted by name.
    public var chargePointActions: [ActionSpec] { actions.filter(\.direction.chargePointMaySend) }

    /// The actions a backend may send as a CALL, DataTransfer included, sorted by name.
    public var backendActions: [ActionSpec] { actions.filter(\.direction.backendMaySend) }

    /// The member at `path` (member names from the payload root), or `nil` if there is none.
    ///
    /// Arrays are walked through: in 1.6 MeterValues, `["meterValue", "sampledValue", "measurand"]`
    /// names the measurand of every sampled value of every meter value.
    public func field(at path: [String], in schema: ObjectSchema) -> FieldSpec? {
        guard let first = path.first, var spec = schema.field(named: first) else { return nil }
        for name in path.dropFirst() {
            guard case .object(let inner) = spec.type.elementType, let next = inner.field(named: name) else {
                return nil
            }
            spec = next
        }
        return spec
    }

    /// The type of the member at `path`, walking through arrays as ``field(at:in:)`` does; the leaf's
    /// own type is returned (an array type only if the leaf itself is an array).
    public func fieldType(at path: [String], in schema: ObjectSchema) -> FieldType? {
        field(at: path, in: schema)?.type
    }

    /// Every path in `schema` whose last member is called `name` (case-sensitive), in schema order.
    ///
    /// In 1.6 SendLocalList, `idTag` gives `["localAuthorizationList", "idTag"]`.
    public func paths(endingWith name: String, in schema: ObjectSchema) -> [[String]] {
        allPaths(in: schema).filter { $0.last == name }
    }

    /// Every member path in `schema`, depth first in schema order, arrays walked through.
    public func allPaths(in schema: ObjectSchema) -> [[String]] {
        var result: [[String]] = []
        collectPaths(in: schema, prefix: [], into: &result)
        return result
    }

    /// The dotted member path of `schema` most like `path`, for "did you mean" hints on a mistyped member.
    ///
    /// Compares whole dotted paths with ``nearestName(to:among:)``. When no path is close, but exactly
    /// one path ends in a member named like the last segment of `path` (ignoring case), that path is
    /// suggested, so `sampledValue.measurand` leads to `meterValue.sampledValue.measurand`.
    public func nearestFieldPath(to path: [String], in schema: ObjectSchema) -> String? {
        let candidates = allPaths(in: schema)
        let dotted = candidates.map { $0.joined(separator: ".") }
        if let nearest = nearestName(to: path.joined(separator: "."), among: dotted) { return nearest }
        guard let last = path.last?.lowercased() else { return nil }
        let endings = candidates.filter { $0.last?.lowercased() == last }
        return endings.count == 1 ? endings[0].joined(separator: ".") : nil
    }

    private func collectPaths(in schema: ObjectSchema, prefix: [String], into result: inout [[String]]) {
        for field in schema.fields {
            let path = prefix + [field.name]
            result.append(path)
            if case .object(let inner) = field.type.elementType {
                collectPaths(in: inner, prefix: path, into: &result)
            }
        }
    }
}
