/// A policy whose rules, but five, do not apply to a StartTransaction from `CP-1` with idTag
/// `EMP-00042`: owner rules for other idTags (exact and prefix), routes of that action limited to
/// other charge points, routes of other actions, and permissions. The five that apply make the
/// same decision at every size, so the benchmarks compare like with like.
enum BystanderPolicy {
    static func generate(rules: Int) -> String {
        let backends = (0..<10).map { "b\($0)" }
        func backend(_ index: Int) -> String { backends[1 + index % (backends.count - 1)] }
        var lines = ["policy \"bystanders-\(rules)\" for ocpp 1.6", "backends " + backends.joined(separator: ", "), "primary b0"]
        let filler = max(rules - 5, 0)
        let owners = filler / 4
        // Owner rules before the one that matches, so the owner index must skip them.
        for index in 0..<owners {
            lines.append(index % 2 == 0 ? "owner \(backend(index)) when idTag == \"TAG-\(index)\""
                                        : "owner \(backend(index)) when idTag matches \"FLEET\(index)-*\"")
        }
        lines.append("owner b1 when idTag matches \"EMP-*\"")
        lines.append("owner b0 otherwise")
        lines.append("route StartTransaction, StopTransaction to owner")
        lines.append("route StartTransaction to b2")
        lines.append("route StatusNotification to all")
        var index = 0
        while lines.count - 3 < rules {
            switch index % 3 {
            case 0: lines.append("route StartTransaction to \(backend(index)) when chargePoint matches \"SITE\(index)-*\"")
            case 1: lines.append("route DataTransfer to \(backend(index)) when vendorId == \"vendor-\(index)\"")
            default: lines.append("allow \(backend(index)) RemoteStartTransaction when chargePoint matches \"SITE\(index)-*\"")
            }
            index += 1
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
