import Model
import Store

/// What the screen found for one rule.
enum LiteralDecision {
    /// No event of the run contains the rule's texts: it cannot match.
    case noMatch
    /// Only these events can match (a JSON array of event ids, for `json_each`).
    case candidates(String)
    /// Too many events can match to list them: the rule runs on all of them.
    case unrestricted
}

/// Which events each rule can match, decided for all rules at once from their
/// `LiteralPrefilter`s: one pass over each event table looks for every rule's texts together
/// (`LiteralScreenPass`: each distinct text scanned once) and keeps, per rule, the events that
/// satisfy its need. A rule with none cannot match; the others run on their candidates only.
/// Exact, because a need is never stronger than its rule.
final class LiteralScreen {
    /// Fewer rules than this with a literal prefilter: they run directly.
    static let minimumRules = 8
    /// Candidate ids kept per rule, and in all, before a rule runs unrestricted instead.
    static let maximumPerRule = 200_000
    static let maximumInAll = 4_000_000

    private var passes: [LiteralScreenPass] = []
    /// Per screened rule, its pass and its need's number there.
    private var places: [String: (pass: Int, need: Int)] = [:]

    init(store: any EventStore, rules: [DetectionRule], parameters: [String: RowValue]) throws {
        let screened = rules.filter { $0.literalPrefilter != nil }
        guard screened.count >= Self.minimumRules else { return }
        var kept = 0
        for table in Set(screened.map { $0.literalPrefilter!.table }).sorted() {
            let rulesOfTable = screened.filter { $0.literalPrefilter!.table == table }
            let pass = LiteralScreenPass(needs: rulesOfTable.map { $0.literalPrefilter!.need }, keptBefore: kept)
            // Table and column names come from the rules' field maps (constants), never from rule text.
            try store.scanTextColumns(of: table, columns: pass.columns, filter: EventScopeSQL.filter, parameters: parameters,
                                      purpose: "looking for the rules' texts in \(table)", into: pass)
            kept = pass.keptInAll
            passes.append(pass)
            for (index, rule) in rulesOfTable.enumerated() {
                places[Self.key(rule)] = (passes.count - 1, index)
            }
        }
    }

    /// Whether the screen decides on the rule.
    func screened(_ rule: DetectionRule) -> Bool { places[Self.key(rule)] != nil }

    /// The decision on a rule, once (its candidate list is then let go); nil when the rule was
    /// not screened.
    func takeDecision(for rule: DetectionRule) -> LiteralDecision? {
        guard let place = places.removeValue(forKey: Self.key(rule)) else { return nil }
        return passes[place.pass].takeDecision(place.need)
    }

    private static func key(_ rule: DetectionRule) -> String { rule.origin + "\u{0}" + rule.id }
}
