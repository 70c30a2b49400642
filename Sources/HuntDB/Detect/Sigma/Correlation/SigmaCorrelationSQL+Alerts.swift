import Foundation
import Model

/// The alert half of a correlation's query: which candidate windows alert (`candidates`, the
/// recursive `walk`, `alerts`) and the final select with each alert's events.
extension SigmaCorrelationSQL {
    /// Whether a candidate's match starts exactly when its window does (`start_us` is the
    /// earliest event of its group in `[ts - span, ts]`): every type but the temporal ones.
    private var matchStartsAtWindowStart: Bool { !correlation.kind.isTemporal }

    mutating func candidatesCTE(span: String) -> String {
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

    func alertsCTE() -> String {
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

    mutating func finalSelect(asInput: Bool) -> String {
        let names = correlation.groupBy.enumerated().map { index, name in
            let value = keyedGroups.contains(index) ? "(SELECT t.value FROM entities AS t WHERE t.entity_ref = c.g\(index + 1))" : "c.g\(index + 1)"
            return "\(bind("k_group\(index + 1)", .text(name))), \(value)"
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
