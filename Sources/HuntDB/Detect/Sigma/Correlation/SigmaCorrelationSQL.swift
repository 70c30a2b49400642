import Foundation
import Model

/// Builds a correlation's SQL. The text comes from constants of this file, the base rules'
/// compiled predicates (whose `:sN` parameters are renamed `:bI_sN` per rule) and their field
/// expressions (constants of `SigmaFieldMap.swift`); every value — thresholds, the timespan,
/// group names, rule ids — is a bound parameter.
///
/// Shape (see the README, "Sigma correlations"):
/// - `base`: one narrow row per (referenced rule, matching event): rule position, kind, event
///   id, host, time, the timespan-long slot of the time, the group values `g1…gK` (rows with a
///   NULL group value are left out) and, for value_* types, the field's value `v`. Nothing else
///   is copied: the few events an alert lists are looked up again by event id;
/// - `scored`: per event, the aggregate of the sliding window that ends at it —
///   `[ts - timespan, ts]`, both ends inclusive, per group — as `value`, the number of events in
///   it as `events_total`, and `start_us`, the time of the window's (or chain's) first event;
///   window functions for event_count, value_sum, value_avg and temporal, a range self-join for
///   value_count and value_percentile, a backward chain of latest predecessors for
///   temporal_ordered;
/// - `candidates`: the events whose window meets the condition, numbered per group (`ord`);
/// - `walk` (recursive) and `alerts`: per group the first candidate alerts, then each whose
///   match starts after the previous alert's last event, so a match never shares an event with
///   the previous one and a long burst alerts once per timespan, not once per event. For the
///   window types a match starts after the alert at T exactly when it ends after T + timespan
///   (the alert's own event would be in its window otherwise), so each candidate carries
///   `next_ord`, the first candidate ending after that, and the walk jumps from alert to alert
///   (one step per alert, not per candidate); the temporal types step through their candidates.
/// - The final select lists at most `:max_events` events per alert (0: all), in time order,
///   with their details looked up by event id; `events_total` says how many the match holds.
struct SigmaCorrelationSQL {
    let compiled: SigmaCompiledCorrelation
    private(set) var bindings: [String: RowValue] = [:]
    /// Group positions carried as entity keys (`SigmaCorrelationSQL+EntityGroups`), set by `build`.
    private(set) var keyedGroups: Set<Int> = []

    init(compiled: SigmaCompiledCorrelation) {
        self.compiled = compiled
    }

    var correlation: SigmaCorrelation { compiled.correlation }
    var groupColumns: [String] { (0..<correlation.groupBy.count).map { "g\($0 + 1)" } }

    mutating func bind(_ name: String, _ value: RowValue) -> String {
        bindings[name] = value
        return ":" + name
    }

    /// `a.g1 = b.g1 AND …` (1 without group-by).
    func sameGroup(_ a: String, _ b: String) -> String {
        groupColumns.isEmpty ? "1" : groupColumns.map { "\(a).\($0) = \(b).\($0)" }.joined(separator: " AND ")
    }

    var partition: String {
        groupColumns.isEmpty ? "" : "PARTITION BY " + groupColumns.joined(separator: ", ") + " "
    }

    /// Whether some input is a correlation: `base` then carries `detail`, the alert of a
    /// referenced correlation as one `events` entry (NULL for an event of a rule).
    var chains: Bool { compiled.inputs.contains { if case .correlation = $0 { return true } else { return false } } }

    /// The query; `asInput`: as the events of a correlation that references this one
    /// (`SigmaCompiledCorrelation.inputQuery`).
    mutating func build(asInput: Bool = false) -> String {
        let span = bind("k_span", .integer(correlation.timespanMicros))
        keyedGroups = entityGroupPositions(asInput: asInput)
        // A window [t - span, t] lies in the slots t / span - 1 and t / span.
        var ctes = ["slot_offsets(d) AS (VALUES (0), (1))"]
        let prefilter = slotPrefilterFloor
        if let prefilter { ctes += slotPrefilterCTEs(floor: prefilter, span: span) }
        ctes.append("base AS MATERIALIZED (\n" + baseSelects(prefiltered: prefilter != nil).joined(separator: "\nUNION ALL\n") + "\n)")
        ctes += scored(span: span) + [candidatesCTE(span: span), alertsCTE()]
        return "WITH RECURSIVE\n" + ctes.joined(separator: ",\n") + "\n" + finalSelect(asInput: asInput)
    }

    // MARK: base events

    /// `prefiltered`: only the events of `needed_slots` (`SigmaCorrelationSQL+SlotPrefilter`).
    private mutating func baseSelects(prefiltered: Bool) -> [String] {
        compiled.inputs.enumerated().map { index, input in
            let groups = input.isRule ? groupSQL(index, keyed: keyedGroups) : compiled.groupSQL[index]
            var columns = ["\(index) AS r", "'\(input.eventKindText)' AS kind"]
            let notNull = groups.map { " AND (\($0)) IS NOT NULL" }.joined()
            switch input {
            case .rule(let base):
                let predicate = Self.renamingParameters(base.predicate, rule: index)
                for (name, value) in base.bindings { bindings["b\(index)_\(name)"] = value }
                columns += ["e.event_id AS event_id", "e.host_id AS host_id", "e.ts_us AS ts_us"]
                // The timespan-long slot of the event: any window [t - span, t] covers at most two,
                // so lookups name them by equality (SQLite's automatic indexes take equalities).
                columns.append("e.ts_us / :k_span AS slot")
                columns += groups.enumerated().map { "\($1) AS g\($0 + 1)" }
                if let values = compiled.valueSQL { columns.append("\(values[index]) AS v") }
                if chains { columns.append("NULL AS detail") }
                // Narrow rows of the compact table when every column the rule reads has a known source.
                let read = SigmaCorrelationEventRows.columns(readBy: [predicate] + groups + (compiled.valueSQL.map { [$0[index]] } ?? []))
                let events = SigmaCorrelationEventRows.relation(base.kind, columns: read, wholeTable: !prefiltered) ?? base.kind.table
                return """
                    SELECT \(columns.joined(separator: ", "))
                    \(prefiltered ? slotPrefilterFrom(events, span: ":k_span") : "FROM \(events) AS e")
                    JOIN hosts AS h ON h.host_id = e.host_id
                    WHERE (\(predicate))\(notNull)
                      AND \(EventScopeSQL.filter)
                    """
            case .correlation(let inner):
                // Its alerts are the events: at the time of each match's last event.
                let (sql, innerBindings) = inner.inputQuery(prefix: "n\(index)_")
                bindings.merge(innerBindings) { first, _ in first }
                columns += ["a.alert_no AS event_id", "a.host_id AS host_id", "a.ts_us AS ts_us", "a.ts_us / :k_span AS slot"]
                columns += groups.enumerated().map { "\($1) AS g\($0 + 1)" }
                if compiled.valueSQL != nil { columns.append("NULL AS v") }
                columns.append("a.detail AS detail")
                return """
                    SELECT \(columns.joined(separator: ", "))
                    FROM (
                    \(sql)
                    ) AS a
                    WHERE 1\(notNull)
                    """
            }
        }
    }

    /// `:s12` → `:b0_s12`: each base rule's parameters get their own names.
    static func renamingParameters(_ predicate: String, rule: Int) -> String {
        let pattern = try! NSRegularExpression(pattern: #":(s[0-9]+)\b"#)
        return pattern.stringByReplacingMatches(in: predicate, range: NSRange(predicate.startIndex..., in: predicate),
                                                withTemplate: ":b\(rule)_$1")
    }

    // MARK: windows

    private mutating func scored(span: String) -> [String] {
        let window = "WINDOW w AS (\(partition)ORDER BY ts_us RANGE BETWEEN \(span) PRECEDING AND CURRENT ROW)"
        let inWindow = "i.ts_us BETWEEN j.ts_us - \(span) AND j.ts_us"
        switch correlation.kind {
        case .eventCount, .valueSum, .valueAvg:
            let aggregate = correlation.kind == .eventCount ? "count(*)" : correlation.kind == .valueSum ? "sum(b.v)" : "avg(b.v)"
            return ["""
                scored AS (
                    SELECT b.*, \(aggregate) OVER w AS value, count(*) OVER w AS events_total, first_value(b.ts_us) OVER w AS start_us
                    FROM base AS b
                    \(window)
                )
                """]
        case .valueCount:
            return ["""
                scored AS (
                    SELECT j.*, count(DISTINCT i.v) AS value, count(*) AS events_total, min(i.ts_us) AS start_us
                    FROM base AS j
                    CROSS JOIN slot_offsets AS o
                    JOIN base AS i ON \(sameGroup("i", "j")) AND i.slot = j.slot - o.d AND \(inWindow)
                    GROUP BY j.r, j.kind, j.event_id
                )
                """]
        case .valuePercentile:
            let percentile = bind("k_percentile", .real(correlation.condition.percentile ?? 50))
            // Nearest rank: the ceil(P/100 × N)-th smallest value (at least the first).
            let rank = "(\(percentile) * p.values_in_window / 100.0)"
            return ["""
                ranked AS (
                    SELECT j.r AS jr, j.kind AS jkind, j.event_id AS jid, i.v AS v,
                           row_number() OVER (PARTITION BY j.r, j.kind, j.event_id ORDER BY i.v) AS rank_in_window,
                           count(*) OVER (PARTITION BY j.r, j.kind, j.event_id) AS values_in_window
                    FROM base AS j
                    CROSS JOIN slot_offsets AS o
                    JOIN base AS i ON \(sameGroup("i", "j")) AND i.slot = j.slot - o.d AND \(inWindow) AND i.v IS NOT NULL
                )
                """, """
                extent AS (
                    SELECT j.r AS jr, j.kind AS jkind, j.event_id AS jid, min(i.ts_us) AS start_us, count(*) AS events_total
                    FROM base AS j
                    CROSS JOIN slot_offsets AS o
                    JOIN base AS i ON \(sameGroup("i", "j")) AND i.slot = j.slot - o.d AND \(inWindow)
                    GROUP BY j.r, j.kind, j.event_id
                )
                """, """
                scored AS (
                    SELECT j.*, p.v AS value, x.events_total AS events_total, x.start_us AS start_us
                    FROM base AS j
                    JOIN ranked AS p ON p.jr = j.r AND p.jkind = j.kind AND p.jid = j.event_id
                    JOIN extent AS x ON x.jr = j.r AND x.jkind = j.kind AND x.jid = j.event_id
                    WHERE p.rank_in_window = max(1, CAST(\(rank) AS INTEGER) + (\(rank) > CAST(\(rank) AS INTEGER)))
                )
                """]
        case .temporal:
            let latest = compiled.inputs.indices.map { "max(CASE WHEN b.r = \($0) THEN b.ts_us END) OVER w AS t\($0)" }
            let present = compiled.inputs.indices.map { "(s.t\($0) IS NOT NULL)" }.joined(separator: " + ")
            let first = compiled.inputs.indices.map { "coalesce(s.t\($0), s.ts_us)" }.joined(separator: ", ")
            return ["""
                latest AS (
                    SELECT b.*, \(latest.joined(separator: ", "))
                    FROM base AS b
                    \(window)
                )
                """, """
                scored AS (
                    SELECT s.*, \(present) AS value, \(present) AS events_total, min(\(first), s.ts_us) AS start_us
                    FROM latest AS s
                )
                """]
        case .temporalOrdered where !correlation.condition.onlyWholeChains(ruleCount: compiled.inputs.count):
            return partialChains(span: span)
        case .temporalOrdered:
            // The chain that ends at an event of the last rule, each step the latest event of
            // the previous rule at or before the next step (equal times count as in order) and
            // no earlier than the timespan before the end: if any chain fits, this one does.
            let last = compiled.inputs.count - 1
            var steps = ["""
                step\(last) AS (
                    SELECT b.*, b.ts_us AS t\(last)
                    FROM base AS b
                    WHERE b.r = \(last)
                )
                """]
            for k in stride(from: last - 1, through: 0, by: -1) {
                steps.append("""
                    step\(k) AS (
                        SELECT s.*, (SELECT max(x.ts_us) FROM slot_offsets AS o JOIN base AS x
                                     ON x.r = \(k) AND \(sameGroup("x", "s")) AND x.slot = s.slot - o.d
                                     WHERE x.ts_us BETWEEN s.ts_us - \(span) AND s.t\(k + 1)) AS t\(k)
                        FROM step\(k + 1) AS s
                        WHERE s.t\(k + 1) IS NOT NULL
                    )
                    """)
            }
            steps.append("""
                scored AS (
                    SELECT s.*, \(compiled.inputs.count) AS value, \(compiled.inputs.count) AS events_total, s.t0 AS start_us
                    FROM step0 AS s
                    WHERE s.t0 IS NOT NULL
                )
                """)
            return steps
        }
    }

    mutating func conditionSQL() -> String {
        var terms: [String] = []
        for (index, (comparison, limit)) in correlation.condition.comparisons.enumerated() {
            let value: RowValue = limit == limit.rounded() && abs(limit) < 1e15 ? .integer(Int64(limit)) : .real(limit)
            terms.append("s.value \(comparison.sql) \(bind("k_limit\(index + 1)", value))")
        }
        return "s.value IS NOT NULL AND " + terms.joined(separator: " AND ")
    }
}
