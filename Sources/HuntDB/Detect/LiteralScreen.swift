import Foundation
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
    /// Candidate ids kept per rule, and in all (split evenly between the event tables), before
    /// a rule runs unrestricted instead.
    static let maximumPerRule = 200_000
    static let maximumInAll = 4_000_000

    private var passes: [LiteralScreenPass] = []
    /// Per screened rule, its pass and its need's number there.
    private var places: [String: (pass: Int, need: Int)] = [:]

    /// Screens `rules` over `store`; with a `helper` connection, the second event table is
    /// scanned on it at the same time as the first.
    init(store: any EventStore, helper: (any EventStore)? = nil, rules: [DetectionRule], parameters: [String: RowValue]) throws {
        let screened = rules.filter { $0.literalPrefilter != nil }
        guard screened.count >= Self.minimumRules else { return }
        let tables = Set(screened.map { $0.literalPrefilter!.table }).sorted()
        var scans: [TableScan] = []
        for table in tables {
            let rulesOfTable = screened.filter { $0.literalPrefilter!.table == table }
            let pass = LiteralScreenPass(needs: rulesOfTable.map { $0.literalPrefilter!.need }, budget: Self.maximumInAll / tables.count)
            scans.append(TableScan(table: table, pass: pass, parameters: parameters))
            passes.append(pass)
            for (index, rule) in rulesOfTable.enumerated() {
                places[Self.key(rule)] = (passes.count - 1, index)
            }
        }
        if let helper, scans.count > 1 {
            let group = DispatchGroup()
            let aside = scans.removeLast()
            let box = StoreBox(store: helper)
            DispatchQueue.global().async(group: group) { aside.run(on: box.store) }
            for scan in scans { scan.run(on: store) }
            group.wait()
            scans.append(aside)
        } else {
            for scan in scans { scan.run(on: store) }
        }
        if let failed = scans.first(where: { $0.error != nil }) { throw failed.error! }
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

/// One event table's scan for the screen, run on whichever connection is given.
private final class TableScan: @unchecked Sendable {
    let table: String
    let pass: LiteralScreenPass
    let parameters: [String: RowValue]
    private(set) var error: (any Error)?

    init(table: String, pass: LiteralScreenPass, parameters: [String: RowValue]) {
        self.table = table
        self.pass = pass
        self.parameters = parameters
    }

    func run(on store: any EventStore) {
        do {
            // Table and column names come from the rules' field maps (constants), never from rule text.
            try store.scanTextColumns(of: table, columns: pass.columns, filter: EventScopeSQL.filter, parameters: parameters,
                                      purpose: "looking for the rules' texts in \(table)", into: pass)
            pass.finishScan()
        } catch {
            self.error = error
        }
    }
}

/// A connection handed to another thread, which alone uses it until the hand-back.
private struct StoreBox: @unchecked Sendable {
    let store: any EventStore
}
