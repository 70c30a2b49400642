import Model

/// Which events a correlation can need at all, decided by the server before it streams any:
/// the ClickHouse form of SQLite's slot prefilter (`SigmaCorrelationSQL+SlotPrefilter`), per
/// group instead of per host.
///
/// A window `[t − span, t]` lies in the span-long slots `floor(t / span) − 1` and
/// `floor(t / span)`. When the condition needs at least `L` events in the window (event_count,
/// or value_count: `L` distinct values need `L` events), an event of group `g` can only be a
/// candidate when `g`'s matching events in its slot and the slot before number `L` or more.
/// The server counts each group's matching events per slot (`GROUP BY` over the same arms as
/// the events query, without `FINAL`: a copy not yet merged only raises a count, never hides an
/// event), keeps the slot pairs that reach `L` (the hot slots) and streams only the events of
/// each hot slot and of the slot before it. Every candidate's window then arrives whole; an
/// event of a kept slot that is not hot sees part of its window, which held fewer than `L`
/// events anyway. So the walker finds the same candidates, values, listed events and alerts
/// as over every event (`ClickHouseSigmaCorrelationCLITests` compares them with SQLite).
///
/// The group values are those the walker groups by (the arms' `g1…gK`), so any group-by works,
/// and on a cluster the counts are merged on the server that takes the query: the set of hot
/// slots is a `GLOBAL IN` subquery, computed once and sent to every shard.
/// 18.16 does not accept a parameter in a selected expression of a query it sends to shards,
/// so the slot is computed above the arms, on the server that takes the query.
extension SigmaClickHouseCorrelation {
    /// The least number of events the condition needs in a window, when the prefilter applies:
    /// event_count or value_count over referenced rules only (a referenced correlation's alerts
    /// are not in the tables), with a `gte`/`gt`/`eq` limit that needs at least 2 events.
    var hotSlotFloor: Int64? {
        let correlation = compiled.correlation
        guard correlation.kind == .eventCount || correlation.kind == .valueCount,
              !inputs.isEmpty, ruleInputs.count == inputs.count, correlation.timespanMicros > 0
        else { return nil }
        let floors = correlation.condition.comparisons.compactMap { comparison, limit -> Int64? in
            // A count is a whole number: `gt: 4.5` and `gte: 5` both need 5.
            guard limit.isFinite, abs(limit) < 1e15 else { return nil }
            switch comparison {
            case .gte, .eq: return Int64(limit.rounded(.up))
            case .gt: return Int64(limit.rounded(.down)) + 1
            case .lt, .lte, .neq: return nil
            }
        }
        guard let floor = floors.max(), floor >= 2 else { return nil }
        return floor
    }

    /// The slot of `e.ts_us` (floor division, also for times before 1970).
    static func slot(of time: String, span: String) -> String {
        "(intDiv(\(time), \(span)) - (modulo(\(time), \(span)) < 0))"
    }

    /// The condition an arm adds: its group values and slot are among the needed slots.
    static func hotSlotCondition(groups: [String], span: String, needed: String) -> String {
        let key = groups + [slot(of: "e.ts_us", span: span)]
        let tuple = key.count == 1 ? key[0] : "(" + key.joined(separator: ", ") + ")"
        return "\(tuple) GLOBAL IN (\(needed))"
    }

    /// The needed slots: per group `g1…gK`, each hot slot and the slot before it, from the
    /// arms' group values and times (`counted`: a UNION ALL selecting `g1…gK, ts_us`).
    static func neededSlots(counted: String, groupCount: Int, span: String, floor: String) -> String {
        let groups = (0..<groupCount).map { "g\($0 + 1)" }
        let keys = groups.map { $0 + ", " }.joined()
        return """
            SELECT \(keys)needed FROM (
                SELECT \(keys)pair_end FROM (
                    SELECT \(keys)pair_end, sum(n) AS pair_count FROM (
                        SELECT \(keys)\(slot(of: "ts_us", span: span)) AS slot, count() AS n
                        FROM (
                        \(counted)
                        )
                        GROUP BY \(keys)slot
                    )
                    ARRAY JOIN [slot, slot + 1] AS pair_end
                    GROUP BY \(keys)pair_end
                )
                WHERE pair_count >= \(floor)
            )
            ARRAY JOIN [pair_end, pair_end - 1] AS needed
            """
    }
}
