import OCPP

/// W106: two backends allowed the same station-wide command, which the charge point keeps one of:
/// the last writer silently wins (Reset, firmware updates, the local list, a configuration key, a
/// station-wide charging limit, the network profile).
///
/// Pairs a `deny` removes do not count; neither do two allows whose conditions cannot both hold
/// (`key == "A"` / `key == "B"`), nor a SetChargingProfile allow whose condition rules out the
/// station-wide purpose.
struct ConflictingCommandCheck: PolicyCheck {
    /// A station-wide command, and for SetChargingProfile the purpose that makes it one.
    private struct Command {
        var action: String
        var purpose: (path: [String], value: String)?
        var help: String
    }

    private static func commands(_ version: OCPPVersion) -> [Command] {
        let plain = "allow it to one backend only or `deny` it to the others"
        switch version {
        case .v16:
            return [
                Command(action: "Reset", help: plain),
                Command(action: "UpdateFirmware", help: plain),
                Command(action: "SignedUpdateFirmware", help: plain),
                Command(action: "SendLocalList", help: plain),
                Command(action: "ChangeConfiguration",
                        help: plain + "; or give each `allow` its own key (`when key == \"...\"`)"),
                Command(action: "SetChargingProfile", purpose: (["csChargingProfiles", "chargingProfilePurpose"], "ChargePointMaxProfile"),
                        help: plain + "; or limit one `allow` to other purposes "
                            + "(`when csChargingProfiles.chargingProfilePurpose == \"TxProfile\"`)"),
            ]
        case .v201:
            return [
                Command(action: "Reset", help: plain),
                Command(action: "UpdateFirmware", help: plain),
                Command(action: "SendLocalList", help: plain),
                Command(action: "SetVariables", help: plain),
                Command(action: "SetChargingProfile", purpose: (["chargingProfile", "chargingProfilePurpose"], "ChargingStationMaxProfile"),
                        help: plain + "; or limit one `allow` to other purposes "
                            + "(`when chargingProfile.chargingProfilePurpose == \"TxProfile\"`)"),
                Command(action: "SetNetworkProfile", help: plain),
            ]
        }
    }

    private struct Entry {
        var rule: Int
        var span: SourceSpan
        var backends: [Int]
        var formula: Formula?
    }

    static func run(_ context: inout CheckContext) {
        let policy = context.policy
        var denies = DenyIndex(policy: policy)
        let formulas = policy.permissionRules.map { $0.condition.map(Formula.init) }
        for command in commands(policy.version) {
            guard let actionIndex = policy.catalog.actionIndex(named: command.action) else { continue }
            let action = policy.catalog.actions[actionIndex]
            let site = context.site(action)
            let purpose = command.purpose.map { purpose in
                Formula.atom(Atom(subject: .field(purpose.path), op: .equal, operand: .literal(.string(purpose.value)),
                                  caseInsensitive: false, span: .fileStart))
            }
            var entries: [Entry] = []
            for (position, rule) in policy.permissionRules.enumerated() where rule.effect == .allow {
                guard let reference = rule.actions.first(where: { $0.index == actionIndex }) else { continue }
                let formula = formulas[position]
                if formula?.containsFalse == true { continue }
                if let purpose, ConditionLogic.disjoint(formula, purpose, at: site) { continue }
                var backends: [Int] = []
                for backend in rule.backends.indices(count: policy.backends.count) where !backends.contains(backend) {
                    if denies.denial(action: actionIndex, backend: backend, when: formula) == nil { backends.append(backend) }
                }
                if !backends.isEmpty { entries.append(Entry(rule: position, span: reference.span, backends: backends, formula: formula)) }
            }
            let candidates = OverlapCandidates(formulas: entries.map(\.formula), site: site)
            for (item, entry) in entries.enumerated() {
                let names = entry.backends.map { policy.backends[$0] }
                if names.count >= 2 {
                    context.report(.conflictingCommand,
                                   "\(CheckContext.quotedList(names)) may \(names.count == 2 ? "both" : "all") send `\(command.action)`: the charge point keeps "
                                       + "whichever comes last",
                                   at: entry.span, label: "allowed to \(names.count) backends", help: command.help)
                    continue
                }
                for candidate in candidates.candidates(before: item) {
                    let earlier = entries[candidate]
                    guard earlier.backends != entry.backends,
                          !ConditionLogic.disjoint(earlier.formula, entry.formula, at: site) else { continue }
                    let other = earlier.backends.first { !entry.backends.contains($0) } ?? earlier.backends[0]
                    let line = context.line(of: earlier.span)
                    context.report(.conflictingCommand,
                                   "`\(names[0])` and `\(policy.backends[other])` (line \(line)) may both send "
                                       + "`\(command.action)`: the charge point keeps whichever comes last",
                                   at: entry.span, label: "also allowed at line \(line)", help: command.help,
                                   notes: [context.note("`\(policy.backends[other])` is allowed `\(command.action)` here",
                                                        at: earlier.span)])
                    break
                }
            }
        }
    }
}
