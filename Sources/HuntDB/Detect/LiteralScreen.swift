import Model
import Store

/// Which rules cannot match any event of a run, decided for all rules at once from their
/// `LiteralPrefilter`s: one pass over each event table's distinct values looks for every
/// rule's texts together (`SubstringAutomaton` per column), and a rule whose need no
/// combination of values satisfies is excluded. Exact, because a need is never stronger than
/// its rule; a rule that may match still runs its own query.
final class LiteralScreen {
    private var excluded: Set<String> = []

    /// - Parameter valuesTables: the distinct-values table made for each event table.
    init(store: any EventStore, rules: [DetectionRule], valuesTables: [String: String]) throws {
        for (table, valuesTable) in valuesTables.sorted(by: { $0.key < $1.key }) {
            let screened = rules.filter { rule in
                guard let prefilter = rule.literalPrefilter, prefilter.table == table else { return false }
                return prefilter.need.columns.isSubset(of: prefilter.columns)
            }
            guard !screened.isEmpty else { continue }
            let pass = ScreenPass(needs: screened.map { $0.literalPrefilter!.need })
            // Column names come from the rules' field maps (constants), never from rule text.
            let sql = "SELECT " + pass.columns.joined(separator: ", ") + " FROM " + valuesTable
            do {
                try store.runRule(sql: sql, parameters: [:], purpose: "looking for the rules' texts in the distinct values of \(table)",
                                  into: pass)
            } catch is ScreenPass.AllSatisfied {
                continue
            }
            for (index, rule) in screened.enumerated() where !pass.satisfied[index] {
                excluded.insert(Self.key(rule))
            }
        }
    }

    /// True when the rule cannot match any event of the run.
    func excludes(_ rule: DetectionRule) -> Bool { excluded.contains(Self.key(rule)) }

    private static func key(_ rule: DetectionRule) -> String { rule.origin + "\u{0}" + rule.id }
}

/// One table's pass: the rows of distinct values stream in, each value is scanned once for
/// every text, and the needs those texts touch are evaluated.
private final class ScreenPass: RowSink {
    /// Thrown to stop reading once every need is satisfied.
    struct AllSatisfied: Error {}

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
    private var needs: [Need] = []
    /// The needs each text appears in.
    private var needsOfText: [[Int]] = []
    private(set) var satisfied: [Bool]
    private var remaining: Int
    /// `seen[text] == row` when the current row contains the text.
    private var seen: [Int]
    private var row = 0
    private var found: [Int32] = []

    init(needs literalNeeds: [LiteralNeed]) {
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
        satisfied = Array(repeating: false, count: needs.count)
        remaining = needs.count
        seen = Array(repeating: -1, count: Int(count))
    }

    /// Per slot, automaton string index → text id.
    private var slotTextIDs: [[Int32]] = []

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
        found.removeAll(keepingCapacity: true)
        for (slot, (column, folded)) in slots.enumerated() {
            guard case .text(let text) = values[column] else { continue }
            let ids = slotTextIDs[slot]
            automata[slot].scan(folded ? text.lowercased() : text) { index in
                let id = ids[Int(index)]
                if seen[Int(id)] != row {
                    seen[Int(id)] = row
                    found.append(id)
                }
            }
        }
        for id in found {
            for index in needsOfText[Int(id)] where !satisfied[index] && holds(needs[index]) {
                satisfied[index] = true
                remaining -= 1
            }
        }
        if remaining == 0 { throw AllSatisfied() }
    }

    func end() throws {}
}
