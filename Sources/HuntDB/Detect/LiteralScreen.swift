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
/// (`SubstringAutomaton` per column) and keeps, per rule, the events that satisfy its need. A
/// rule with none cannot match; the others run on their candidates only. Exact, because a need
/// is never stronger than its rule.
final class LiteralScreen {
    /// Fewer rules than this with a literal prefilter: they run directly.
    static let minimumRules = 8
    /// Candidate ids kept per rule, and in all, before a rule runs unrestricted instead.
    static let maximumPerRule = 200_000
    static let maximumInAll = 4_000_000

    private var decisions: [String: LiteralDecision] = [:]

    init(store: any EventStore, rules: [DetectionRule], parameters: [String: RowValue]) throws {
        let screened = rules.filter { $0.literalPrefilter != nil }
        guard screened.count >= Self.minimumRules else { return }
        var kept = 0
        for table in Set(screened.map { $0.literalPrefilter!.table }).sorted() {
            let rulesOfTable = screened.filter { $0.literalPrefilter!.table == table }
            let pass = ScreenPass(needs: rulesOfTable.map { $0.literalPrefilter!.need }, keptBefore: kept)
            // Table and column names come from the rules' field maps (constants), never from rule text.
            let sql = "SELECT e.event_id" + pass.columns.map { ", e.\($0)" }.joined() + " FROM " + table + " AS e WHERE "
                + EventScopeSQL.filter
            try store.runRule(sql: sql, parameters: parameters, purpose: "looking for the rules' texts in \(table)", into: pass)
            kept = pass.keptInAll
            for (index, rule) in rulesOfTable.enumerated() {
                decisions[Self.key(rule)] = pass.decision(index)
            }
        }
    }

    /// The decision on a rule; nil when the rule was not screened.
    func decision(for rule: DetectionRule) -> LiteralDecision? { decisions[Self.key(rule)] }

    private static func key(_ rule: DetectionRule) -> String { rule.origin + "\u{0}" + rule.id }
}

/// One table's pass: the events stream in (id, then the columns), each value is scanned once
/// for every text, and the needs those texts touch are evaluated.
private final class ScreenPass: RowSink {
    private indirect enum Need {
        case text(Int32)
        case all([Need])
        case any([Need])
    }

    /// The columns read, in the order of the row.
    let columns: [String]
    /// What is scanned: a column of the row, as is or lower-cased, with its own automaton.
    private var slots: [(column: Int, folded: Bool)] = []
    private var automata: [SubstringAutomaton] = []
    /// Per slot, automaton string index → text id.
    private var slotTextIDs: [[Int32]] = []
    private var needs: [Need] = []
    /// The needs each text appears in.
    private var needsOfText: [[Int]] = []
    /// Per need, the events that satisfy it; nil once there were too many to keep.
    private var candidates: [[Int64]?]
    private(set) var keptInAll: Int
    /// `seen[text] == row` when the current row contains the text.
    private var seen: [Int]
    private var row = 0
    private var found: [Int32] = []

    init(needs literalNeeds: [LiteralNeed], keptBefore: Int) {
        var columns: [String] = []
        var slots: [(column: Int, folded: Bool)] = []
        var textsBySlot: [[[UInt8]]] = []
        var textIDs: [String: Int32] = [:]
        var idsBySlot: [[Int32]] = []
        var count: Int32 = 0
        func id(_ column: String, _ text: [UInt8], _ folded: Bool) -> Int32 {
            let lowered = text.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
            let key = "\(column)\u{0}\(folded)\u{0}" + String(decoding: lowered, as: UTF8.self)
            if let known = textIDs[key] { return known }
            if !columns.contains(column) { columns.append(column) }
            let position = columns.firstIndex(of: column)!
            var slot = slots.firstIndex { $0.column == position && $0.folded == folded } ?? -1
            if slot < 0 {
                slots.append((position, folded))
                textsBySlot.append([])
                idsBySlot.append([])
                slot = slots.count - 1
            }
            textsBySlot[slot].append(lowered)
            idsBySlot[slot].append(count)
            textIDs[key] = count
            count += 1
            return count - 1
        }
        func compile(_ need: LiteralNeed) -> Need {
            switch need {
            case .contains(let column, let text, let folded): return .text(id(column, text, folded))
            case .all(let parts): return .all(parts.map(compile))
            case .any(let parts): return .any(parts.map(compile))
            case .anything: preconditionFailure("a literal prefilter's need is never anything inside")
            }
        }
        needs = literalNeeds.map(compile)
        self.columns = columns
        self.slots = slots
        automata = textsBySlot.map { SubstringAutomaton(strings: $0) }
        slotTextIDs = idsBySlot
        needsOfText = Array(repeating: [], count: Int(count))
        for (index, need) in needs.enumerated() {
            for text in Set(Self.texts(need)) { needsOfText[Int(text)].append(index) }
        }
        candidates = Array(repeating: [], count: needs.count)
        keptInAll = keptBefore
        seen = Array(repeating: -1, count: Int(count))
    }

    private static func texts(_ need: Need) -> [Int32] {
        switch need {
        case .text(let id): return [id]
        case .all(let parts), .any(let parts): return parts.flatMap(texts)
        }
    }

    private func holds(_ need: Need) -> Bool {
        switch need {
        case .text(let id): return seen[Int(id)] == row
        case .all(let parts): return parts.allSatisfy(holds)
        case .any(let parts): return parts.contains(where: holds)
        }
    }

    func begin(columns: [String]) throws {}

    func write(_ values: [RowValue]) throws {
        row += 1
        guard case .integer(let event) = values[0] else { return }
        found.removeAll(keepingCapacity: true)
        for (slot, (column, folded)) in slots.enumerated() {
            guard case .text(let text) = values[column + 1] else { continue }
            let ids = slotTextIDs[slot]
            automata[slot].scan(folded ? text.lowercased() : text) { index in
                let id = ids[Int(index)]
                if seen[Int(id)] != row {
                    seen[Int(id)] = row
                    found.append(id)
                }
            }
        }
        guard !found.isEmpty else { return }
        decided.removeAll(keepingCapacity: true)
        for id in found {
            for index in needsOfText[Int(id)] where !decided.contains(index) {
                decided.insert(index)
                guard holds(needs[index]), candidates[index] != nil else { continue }
                if candidates[index]!.count >= LiteralScreen.maximumPerRule || keptInAll >= LiteralScreen.maximumInAll {
                    keptInAll -= candidates[index]!.count
                    candidates[index] = nil
                } else {
                    candidates[index]!.append(event)
                    keptInAll += 1
                }
            }
        }
    }

    /// The needs already evaluated for the current event.
    private var decided: Set<Int> = []

    func decision(_ index: Int) -> LiteralDecision {
        guard let events = candidates[index] else { return .unrestricted }
        if events.isEmpty { return .noMatch }
        return .candidates("[" + events.map(String.init).joined(separator: ",") + "]")
    }

    func end() throws {}
}
