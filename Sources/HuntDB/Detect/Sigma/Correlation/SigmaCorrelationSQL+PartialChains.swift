import Foundation

extension SigmaCorrelationSQL {
    /// temporal_ordered when part of the chain can meet the condition: the specification counts
    /// "different event types (Sigma rules matching)" in the time frame; in order, that is the
    /// longest chain of rules in the order of `rules` whose events follow each other (equal
    /// times in order) within the timespan before its last event. Every event ends chains: for
    /// each end rule k and each subset of the rules before it, the backward chain of latest
    /// predecessors (as for the whole chain); `scored` keeps, per end event, the longest chain
    /// found (ties: the one starting latest) as `value`, its times as `t0…t(n-1)` (NULL for
    /// rules not in it).
    mutating func partialChains(span: String) -> [String] {
        let count = compiled.inputs.count
        var arms: [String] = []
        for end in 0..<count {
            for mask in 0..<(1 << end) {
                let members = (0..<end).filter { mask & (1 << $0) != 0 }
                // From the end event backwards, one subquery level per step: the latest event of
                // the step's rule at or before the previous step, not before the window.
                var chain = "SELECT b.*, b.ts_us AS t\(end) FROM base AS b WHERE b.r = \(end)"
                var previous = end
                for rule in members.reversed() {
                    chain = """
                        SELECT q.*, (SELECT max(x.ts_us) FROM slot_offsets AS o JOIN base AS x
                                     ON x.r = \(rule) AND \(sameGroup("x", "q")) AND x.slot = q.slot - o.d
                                     WHERE x.ts_us BETWEEN q.ts_us - \(span) AND q.t\(previous)) AS t\(rule)
                        FROM (\(chain)) AS q
                        WHERE q.t\(previous) IS NOT NULL
                        """
                    previous = rule
                }
                let times = (0..<count).map { rule in rule == end || members.contains(rule) ? "ch.t\(rule) AS t\(rule)" : "NULL AS t\(rule)" }
                let extra = groupColumns.map { ", ch.\($0)" }.joined() + (chains ? ", ch.detail" : "")
                arms.append("""
                    SELECT ch.r, ch.kind, ch.event_id, ch.host_id, ch.ts_us, ch.slot\(extra),
                           \(times.joined(separator: ", ")), \(members.count + 1) AS value, ch.t\(previous) AS start_us
                    FROM (\(chain)) AS ch
                    WHERE ch.t\(previous) IS NOT NULL
                    """)
            }
        }
        return ["""
            chains AS (
            \(arms.joined(separator: "\nUNION ALL\n"))
            )
            """, """
            scored AS (
                SELECT * FROM (
                    SELECT ch.*, ch.value AS events_total,
                           row_number() OVER (PARTITION BY ch.r, ch.event_id ORDER BY ch.value DESC, ch.start_us DESC) AS best
                    FROM chains AS ch
                ) WHERE best = 1
            )
            """]
    }
}
