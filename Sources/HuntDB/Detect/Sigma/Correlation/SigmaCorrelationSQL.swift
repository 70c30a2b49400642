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

    init(compiled: SigmaCompiledCorrelation) {
        self.compiled = compiled
    }

    private var correlation: SigmaCorrelation { compiled.correlation }
    var groupColumns: [String] { (0..<correlation.groupBy.count).map { "g\($0 + 1)" } }

    private mutating func bind(_ name: String, _ value: RowValue) -> String {
        bindings[name] = value
        return ":" + name
    }

    /// `a.g1 = b.g1 AND …` (1 without group-by).
    func sameGroup(_ a: String, _ b: String) -> String {
        groupColumns.isEmpty ? "1" : groupColumns.map { "\(a).\($0) = \(b).\($0)" }.joined(separator: " AND ")
    }

    private var partition: String {
        groupColumns.isEmpty ? "" : "PARTITION BY " + groupColumns.joined(separator: ", ") + " "
    }

    /// Whether some input is a correlation: `base` then carries `detail`, the alert of a
    /// referenced correlation as one `events` entry (NULL for an event of a rule).
    var chains: Bool { compiled.inputs.contains { if case .correlation = $0 { return true } else { return false } } }

    /// The query; `asInput`: as the events of a correlation that references this one
    /// (`SigmaCompiledCorrelation.inputQuery`).
    mutating func build(asInput: Bool = false) -> String {
        let span = bind("k_span", .integer(correlation.timespanMicros))
        let ctes = [
            // A window [t - span, t] lies in the slots t / span - 1 and t / span.
            "slot_offsets(d) AS (VALUES (0), (1))",
            "base AS MATERIALIZED (\n" + baseSelects().joined(separator: "\nUNION ALL\n") + "\n)",
        ] + scored(span: span) + [candidatesCTE(span: span), alertsCTE()]
        return "WITH RECURSIVE\n" + ctes.joined(separator: ",\n") + "\n" + finalSelect(asInput: asInput)
    }

    // MARK: base events

    private mutating func baseSelects() -> [String] {
        compiled.inputs.enumerated().map { index, input in
            let groups = compiled.groupSQL[index]
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
                return """
                    SELECT \(columns.joined(separator: ", "))
                    FROM \(base.kind.table) AS e
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

    private mutating func conditionSQL() -> String {
        var terms: [String] = []
        for (index, (comparison, limit)) in correlation.condition.comparisons.enumerated() {
            let value: RowValue = limit == limit.rounded() && abs(limit) < 1e15 ? .integer(Int64(limit)) : .real(limit)
            terms.append("s.value \(comparison.sql) \(bind("k_limit\(index + 1)", value))")
        }
        return "s.value IS NOT NULL AND " + terms.joined(separator: " AND ")
    }

    // MARK: alerts

    /// Whether a candidate's match starts exactly when its window does (`start_us` is the
    /// earliest event of its group in `[ts - span, ts]`): every type but the temporal ones.
    private var matchStartsAtWindowStart: Bool { !correlation.kind.isTemporal }

    private mutating func candidatesCTE(span: String) -> String {
        let order = "\(partition)ORDER BY s.ts_us, s.r, s.kind, s.event_id"
        // The first candidate ending more than a timespan after this one: the number of
        // candidates of the group ending at or before ts + span, plus one.
        let next = matchStartsAtWindowStart
            ? ",\n           1 + count(*) OVER (\(partition)ORDER BY s.ts_us RANGE BETWEEN UNBOUNDED PRECEDING AND \(span) FOLLOWING) AS next_ord"
            : ""
        return """
            candidates AS MATERIALIZED (
                SELECT s.*, row_number() OVER (\(order)) AS ord\(next)
                FROM scored AS s
                WHERE \(conditionSQL())
            )
            """
    }

    private func alertsCTE() -> String {
        let groups = groupColumns
        let fromCandidate = groups.map { "c.\($0)" }.joined(separator: ", ") + (groups.isEmpty ? "" : ", ")
        let groupList = groups.joined(separator: ", ") + (groups.isEmpty ? "" : ", ")
        if matchStartsAtWindowStart {
            // One step per alert: from each alert straight to the next.
            return """
                walk(\(groupList)ord, next_ord) AS (
                    SELECT \(fromCandidate)c.ord, c.next_ord FROM candidates AS c WHERE c.ord = 1
                    UNION ALL
                    SELECT \(fromCandidate)c.ord, c.next_ord
                    FROM walk AS w
                    JOIN candidates AS c ON \(sameGroup("c", "w")) AND c.ord = w.next_ord
                ),
                alerts AS (
                    SELECT \(groupList)ord FROM walk
                )
                """
        }
        // Walks each group's candidates in order (one index seek a step), carrying the last
        // event of the latest alert: a candidate alerts when its match starts after it.
        return """
            walk(\(groupList)ord, last_end_us, alerted) AS (
                SELECT \(fromCandidate)c.ord, c.ts_us, 1 FROM candidates AS c WHERE c.ord = 1
                UNION ALL
                SELECT \(fromCandidate)c.ord,
                       CASE WHEN c.start_us > w.last_end_us THEN c.ts_us ELSE w.last_end_us END,
                       c.start_us > w.last_end_us
                FROM walk AS w
                JOIN candidates AS c ON \(sameGroup("c", "w")) AND c.ord = w.ord + 1
            ),
            alerts AS (
                SELECT \(groupList)ord FROM walk WHERE alerted
            )
            """
    }

    /// One listed event as a JSON object, from the row `x` (`r`, `kind`, `event_id`, and
    /// `detail` when some input is a correlation): an event's details are looked up by event
    /// id in the table of its kind; a referenced correlation's alert is its `detail`.
    private mutating func eventJSON(_ x: String) -> String {
        let ruleIDs = compiled.inputs.enumerated().map { "WHEN \($0) THEN \(bind("k_rule\($0)", .text($1.ruleID)))" }.joined(separator: " ")
        func details(_ table: String) -> String {
            """
            (SELECT json_object('rule_id', CASE \(x).r \(ruleIDs) END, 'event_kind', \(x).kind,
                        'time', strftime('%Y-%m-%dT%H:%M:%S', d.ts_us / 1000000, 'unixepoch') || printf('.%03dZ', (d.ts_us / 1000) % 1000),
                        'entity_id', d.entity_id,
                        'record_id', CASE typeof(d.record_key) WHEN 'blob' THEN NULL ELSE CAST(d.record_key AS TEXT) END,
                        'source', (SELECT src.path FROM sources AS src WHERE src.source_id = d.source_id) || ':' || d.source_record)
                     FROM \(table) AS d WHERE d.event_id = \(x).event_id)
            """
        }
        var cases: [String] = []
        let kinds = Set(compiled.inputs.compactMap { if case .rule(let rule) = $0 { return rule.kind } else { return nil } })
        for kind in [SigmaEventKind.process, .network] where kinds.contains(kind) {
            cases.append("WHEN '\(kind.rawValue)' THEN \(details(kind.table))")
        }
        if chains {
            cases.append("WHEN 'correlation' THEN json_set(\(x).detail, '$.rule_id', CASE \(x).r \(ruleIDs) END)")
        }
        return "CASE \(x).kind \(cases.joined(separator: " ")) END"
    }

    private mutating func eventsSQL() -> String {
        if correlation.kind.isTemporal {
            // One event per rule: the chain's (temporal_ordered; the end event itself last) or
            // the latest of each rule in the window (temporal).
            let last = compiled.inputs.count - 1
            let partial = correlation.kind == .temporalOrdered && !correlation.condition.onlyWholeChains(ruleCount: compiled.inputs.count)
            let picks = compiled.inputs.indices.map { k -> String in
                let which: String
                if partial {
                    // The end event for its own rule; the chain's event for the others in it.
                    which = "((c.r = \(k) AND x.r = c.r AND x.event_id = c.event_id)"
                        + " OR (c.r <> \(k) AND x.r = \(k) AND \(sameGroup("x", "c")) AND x.ts_us = c.t\(k)))"
                } else if correlation.kind == .temporalOrdered && k == last {
                    which = "x.r = c.r AND x.kind = c.kind AND x.event_id = c.event_id"
                } else {
                    which = "x.r = \(k) AND \(sameGroup("x", "c")) AND x.ts_us = c.t\(k)"
                }
                return "SELECT * FROM (SELECT x.ts_us AS at_us, x.r AS r, x.kind AS kind, x.event_id AS event_id \(chains ? ", x.detail AS detail" : "") FROM base AS x WHERE \(which) ORDER BY x.kind DESC, x.event_id DESC LIMIT 1)"
            }
            return """
                (SELECT json_group_array(json(ev)) FROM (
                    SELECT \(eventJSON("p")) AS ev FROM (
                        \(picks.joined(separator: " UNION ALL "))
                        ORDER BY 1, 2
                        LIMIT \(maxEvents)) AS p))
                """
        }
        return """
            (SELECT json_group_array(json(ev)) FROM (
                SELECT \(eventJSON("x")) AS ev FROM (
                    SELECT x.r AS r, x.kind AS kind, x.event_id AS event_id\(chains ? ", x.detail AS detail" : "") FROM slot_offsets AS o JOIN base AS x
                    ON \(sameGroup("x", "c")) AND x.slot = c.slot - o.d
                    WHERE x.ts_us BETWEEN c.start_us AND c.ts_us
                    ORDER BY x.ts_us, x.r, x.kind, x.event_id
                    LIMIT \(maxEvents)) AS x))
            """
    }

    /// `:max_events` as a LIMIT: 0 or less lists every event.
    private var maxEvents: String { "CASE WHEN :max_events > 0 THEN :max_events ELSE -1 END" }

    private mutating func finalSelect(asInput: Bool) -> String {
        let names = correlation.groupBy.enumerated().map { index, name in
            "\(bind("k_group\(index + 1)", .text(name))), c.g\(index + 1)"
        }
        let group = "json_object(\(names.joined(separator: ", ")))"
        let type = bind("k_type", .text(correlation.kind.rawValue))
        let tags = bind("k_tags", .text(correlation.tags.joined(separator: ", ")))
        let events = eventsSQL()
        let from = """
            FROM alerts AS a
            JOIN candidates AS c ON \(sameGroup("c", "a")) AND c.ord = a.ord
            JOIN hosts AS hh ON hh.host_id = c.host_id
            ORDER BY c.ts_us, c.r, c.kind, c.event_id
            """
        if asInput {
            let time = { (column: String) in
                "strftime('%Y-%m-%dT%H:%M:%S', \(column) / 1000000, 'unixepoch') || printf('.%03dZ', (\(column) / 1000) % 1000)"
            }
            let groups = groupColumns.map { "c.\($0) AS \($0)" }.joined(separator: ", ") + (groupColumns.isEmpty ? "" : ",")
            return """
                SELECT
                    row_number() OVER (ORDER BY c.ts_us, c.r, c.kind, c.event_id) AS alert_no,
                    c.host_id AS host_id,
                    c.ts_us AS ts_us,
                    \(groups)
                    json_object('rule_id', NULL, 'event_kind', 'correlation', 'time', \(time("c.ts_us")),
                                'first_time', \(time("c.start_us")), 'host', hh.name, 'correlation_type', \(type),
                                'group', json(\(group)), 'value', c.value, 'events_total', c.events_total,
                                'events', json(\(events))) AS detail
                \(from)
                """
        }
        return """
            SELECT
                hh.name AS host,
                c.ts_us AS time,
                c.start_us AS first_time,
                \(type) AS correlation_type,
                \(group) AS "group",
                c.value AS value,
                c.events_total AS events_total,
                \(events) AS events,
                \(tags) AS tags
            \(from)
            """
    }
}
