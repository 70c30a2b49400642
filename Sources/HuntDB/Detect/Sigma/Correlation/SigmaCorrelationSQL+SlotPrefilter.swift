import Model

/// Which events a correlation needs at all, judged from per-host counts the store's
/// `(host_id, ts_us)` indexes give without reading an event row.
///
/// A window `[t - span, t]` lies in the timespan-long slots `floor(t / span) - 1` and
/// `floor(t / span)`, so it holds at most as many events as those two slots together. When the
/// condition needs at least `L` (`gte`/`gt`/`eq`) of something that never exceeds the window's
/// event count (event_count, value_count), and the group holds one host name, an event can only
/// alert if its slot and the one before hold `L` or more rows of the tables its rules read (rows,
/// not matches: a bound, never an undercount). `base` then reads only the events of such slots
/// and of the slot before each, which every such window needs. Any other event's window misses
/// only events outside those slots; it held fewer than `L` events and still does, so the
/// candidates, their values and listed events are exactly those of reading every event.
///
/// The per-host slots are visited by a walk that jumps from one non-empty slot to the next (one
/// index seek each) and counted by index range (`count(*)` over the covering index), so the cost
/// is the number of non-empty slots, not events. It is used for timespans of at least
/// `slotPrefilterMinimumSpanMicros`: with shorter slots nearly every event has a slot of its
/// own, and the walk would cost more than reading every event.
extension SigmaCorrelationSQL {
    /// Shorter timespans read every event (see above).
    static let slotPrefilterMinimumSpanMicros: Int64 = 15 * 60 * 1_000_000

    /// The least count the condition needs (the largest `gte`/`gt`/`eq` limit), when the
    /// prefilter applies to this correlation: event_count or value_count, over rules only, a
    /// group-by name that is the host name for every rule, a lower limit above 1 and a timespan
    /// of at least `slotPrefilterMinimumSpanMicros`.
    var slotPrefilterFloor: Double? {
        guard correlation.kind == .eventCount || correlation.kind == .valueCount,
              correlation.timespanMicros >= Self.slotPrefilterMinimumSpanMicros,
              !compiled.inputs.isEmpty, !chains,
              correlation.groupBy.indices.contains(where: { position in compiled.groupSQL.allSatisfy { $0[position] == "h.name" } })
        else { return nil }
        let floors = correlation.condition.comparisons.compactMap { comparison, limit -> Double? in
            [.gte, .gt, .eq].contains(comparison) ? limit : nil
        }
        guard let floor = floors.max(), floor > 1 else { return nil }
        return floor
    }

    /// The compact tables under the rules' kinds, each with how many rules read it.
    private var rowTables: [(table: String, rules: Int)] {
        var counts: [String: Int] = [:]
        for case .rule(let rule) in compiled.inputs { counts[rule.kind.rowsTable, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// `floor(x / span)` (SQLite's integer division truncates towards zero).
    private func floorSlot(_ x: String, span: String) -> String {
        "(\(x) / \(span) - (\(x) % \(span) < 0))"
    }

    /// The CTEs `host_group` (each host and the smallest host id of its name: the group),
    /// `slot_walk`, `slot_counts` and `needed_slots` (host_id, slot: the slots whose events
    /// `base` reads).
    mutating func slotPrefilterCTEs(floor: Double, span: String) -> [String] {
        let least = bind("k_floor", floor == floor.rounded() && abs(floor) < 1e15 ? .integer(Int64(floor)) : .real(floor))
        let tables = rowTables
        // The first event time of the host at or after `from` (nil: its first), over every table.
        func first(host: String, from: String?) -> String {
            let bound = from.map { " AND x.ts_us >= \($0)" } ?? ""
            let each = tables.map { "(SELECT min(x.ts_us) FROM \($0.table) AS x WHERE x.host_id = \(host)\(bound))" }
            if each.count == 1 { return each[0] }
            return "(SELECT min(t) FROM (" + each.map { "SELECT \($0) AS t" }.joined(separator: " UNION ALL ") + "))"
        }
        let slot = floorSlot("w.at_us", span: span)
        let start = "\(slot) * \(span)"
        let counts = tables.map { table, rules in
            "\(rules) * (SELECT count(*) FROM \(table) AS x WHERE x.host_id = w.host_id AND x.ts_us >= \(start) AND x.ts_us < \(start) + \(span))"
        }
        return ["""
            host_group AS MATERIALIZED (
                SELECT h.host_id, (SELECT min(o.host_id) FROM hosts AS o WHERE o.name = h.name) AS gk FROM hosts AS h
            )
            """, """
            slot_walk(host_id, gk, at_us) AS (
                SELECT hg.host_id, hg.gk, \(first(host: "hg.host_id", from: nil)) FROM host_group AS hg
                UNION ALL
                SELECT w.host_id, w.gk, \(first(host: "w.host_id", from: "(\(slot) + 1) * \(span)"))
                FROM slot_walk AS w
                WHERE w.at_us IS NOT NULL
            )
            """, """
            slot_counts AS MATERIALIZED (
                SELECT w.gk AS gk, \(slot) AS slot, sum(\(counts.joined(separator: " + "))) AS n
                FROM slot_walk AS w
                WHERE w.at_us IS NOT NULL
                GROUP BY 1, 2
            )
            """, """
            needed_slots AS MATERIALIZED (
                SELECT DISTINCT hg.host_id AS host_id, c.slot - o.d AS slot
                FROM slot_counts AS c
                LEFT JOIN slot_counts AS p ON p.gk = c.gk AND p.slot = c.slot - 1
                CROSS JOIN slot_offsets AS o
                JOIN host_group AS hg ON hg.gk = c.gk
                WHERE c.n + coalesce(p.n, 0) >= \(least)
            )
            """]
    }

    /// `base`'s FROM for a rule's events under the prefilter: the needed slots, then the events
    /// of each by the `(host_id, ts_us)` index.
    func slotPrefilterFrom(_ table: String, span: String) -> String {
        """
        FROM needed_slots AS ns
        CROSS JOIN \(table) AS e ON e.host_id = ns.host_id AND e.ts_us >= ns.slot * \(span) AND e.ts_us < (ns.slot + 1) * \(span)
        """
    }
}

extension SigmaEventKind {
    /// The compact table under `table`, whose `(host_id, ts_us)` index the prefilter counts.
    var rowsTable: String { self == .process ? "process_rows" : "network_rows" }
}
