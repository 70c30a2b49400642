import Model

extension SigmaCompiledCorrelation {
    /// The alert columns after the common keys.
    static let columnDeclarations = [
        "-- column: time TIME -- the last event of the match",
        "-- column: first_time TIME -- the first event of the match",
        "-- column: correlation_type TEXT -- event_count, value_count, temporal, temporal_ordered, value_sum, value_avg or value_percentile",
        "-- column: group JSON -- the group-by names and the values the match shares",
        "-- column: value TEXT -- what the condition compared: the count, distinct count, sum, average, percentile or number of rules",
        "-- column: events_total INTEGER -- how many events the match holds (events lists at most max_events of them)",
        "-- column: events JSON -- the contributing events in time order (the first max_events): rule_id, event_kind, time, entity_id, record_id, source",
        "-- column: tags TEXT -- the correlation's tags",
    ]

    /// How many events an alert lists unless `--param max_events=N` says otherwise.
    public static let defaultMaxEvents = 100

    /// The correlation as a detection rule the engine runs like any other. No allowlist entry
    /// of the default list applies (its fields describe one child process, an alert here is a
    /// set of events); a user's entry can match `host` or `rule`.
    public func detectionRule(builtIn: Bool) throws -> DetectionRule {
        let (sql, bindings) = query()
        var needs = eventKinds.map(\.rawValue).sorted().map { "-- needs: \($0)" }
        if needs.isEmpty { needs = ["-- needs: process"] }
        let header = [
            "-- id: \(ruleID)",
            "-- param: since TIME = NULL -- only events at or after this time",
            "-- param: until TIME = NULL -- only events before this time",
            "-- param: host TEXT = NULL -- only this host",
            "-- param: max_events INTEGER = \(Self.defaultMaxEvents) -- how many events an alert lists, in time order (0: every one; events_total says how many there are)",
        ] + needs + Self.columnDeclarations + ["-- table: rule_id, severity, host, time, correlation_type, group, value, events_total"]
        var query = try QueryFile(sql: header.joined(separator: "\n") + "\n" + sql, origin: correlation.path)
        query.name = correlation.title
        query.severity = correlation.level
        query.attack = correlation.tags.compactMap { tag in
            let lower = tag.lowercased()
            guard lower.hasPrefix("attack.t"), lower.dropFirst(8).first?.isNumber == true else { return nil }
            return String(tag.dropFirst(7)).uppercased()
        }
        query.description = correlation.description
        var detection = try DetectionRule(query: query)
        detection.boundValues = bindings
        if let clickHouse {
            // On ClickHouse: the events query and the walker (its values named `:ch_…`).
            detection.clickHouseSQL = clickHouse.eventsQuery(prefix: SigmaClickHouseCorrelation.bindingPrefix)?.sql
                ?? "-- the correlation reads only the alerts of the correlations it references"
            detection.clickHouseProgram = SigmaClickHouseCorrelationProgram(correlation: clickHouse)
            detection.boundValues.merge(clickHouse.allBindings(prefix: SigmaClickHouseCorrelation.bindingPrefix)) { a, _ in a }
        }
        detection.usesDefaultAllowlist = false
        detection.sigmaTitle = correlation.title
        detection.otherNames = [correlation.name, correlation.title].filter { !$0.isEmpty }
        return detection
    }
}
