import Model

extension SigmaCompiledRule {
    /// The rule compiled again for ClickHouse, or why it cannot run there.
    public func compiledForClickHouse() -> Result<SigmaCompiledRule, SigmaUnsupported> {
        if dialect == .clickhouse { return .success(self) }
        do {
            return .success(try SigmaCompiler(context: context).compile(rule, dialect: .clickhouse))
        } catch let reason as SigmaUnsupported {
            return .failure(reason)
        } catch {
            return .failure(SigmaUnsupported("\(error)"))
        }
    }

    /// The whole ClickHouse query (a rule compiled for ClickHouse): the same columns, values
    /// and scope as `sql(storedColumns:)` gives on SQLite. The record id is null for a content
    /// hash (`record_key_is_hash`, c0004: SQLite stores those as a blob), and `source` joins the
    /// source's path like the built-in ClickHouse rules. The rule's tags and status are
    /// selected outside the subquery over the (possibly Distributed) event table: 18.16 breaks
    /// on parameters in the selected expressions of a distributed query.
    public func clickHouseSQL(storedColumns: Set<String>?) -> String {
        precondition(dialect == .clickhouse, "clickHouseSQL needs a rule compiled for ClickHouse")
        let fields = SigmaAlertLayout.eventFields(kind, stored: storedColumns, context: rule.alertContext)
            + SigmaAlertLayout.allowlistFields(kind) + SigmaAlertLayout.contextFields(kind, context: rule.alertContext)
        let selected = fields.map { "        \(Self.clickHouseExpression($0.sql)) AS \($0.name)," }.joined(separator: "\n")
        let outer = fields.map { "    \($0.name)," }.joined(separator: "\n")
        let kindName = kind == .process ? "'process'" : "'network'"
        return """
            SELECT
                host, time, event_kind, record_id,
                concat(path, ':', toString(source_record)) AS source,
            \(outer)
                :sigma_tags AS tags,
                :sigma_status AS status
            FROM (
                SELECT
                    e.host AS host,
                    e.ts_us AS time,
                    \(kindName) AS event_kind,
                    if(e.record_key_is_hash = 1, NULL, e.record_key) AS record_id,
                    e.source_id AS source_id,
                    e.source_record AS source_record,
                    e.event_id AS event_id,
            \(selected)
                    e.ts_us AS sort_time
                FROM \(kind.table) AS e FINAL
                WHERE \(predicate)
                  AND \(Self.clickHouseScope)
            )
            ANY LEFT JOIN (SELECT source_id, any(path) AS path FROM sources GROUP BY source_id) USING source_id
            ORDER BY sort_time, event_id
            """
    }

    /// An alert field's SQLite expression in ClickHouse (only `user` differs).
    static func clickHouseExpression(_ sqlite: String) -> String {
        sqlite == SigmaAlertLayout.userSQL ? SigmaClickHouseSQL.userSQL : sqlite
    }

    /// `EventScopeSQL.filter` on ClickHouse: since, until and the host (its name, its name
    /// before the first dot, or its ECS host id), as the built-in ClickHouse rules write it.
    static let clickHouseScope = """
        e.ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
                  AND e.ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
                  AND ({host:Nullable(String)} IS NULL OR lower(e.host) = lower({host:Nullable(String)})
                       OR startsWith(lower(e.host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
                       OR e.host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
        """
}

extension SigmaRuleSet {
    /// The set as it runs on ClickHouse: every rule compiled again for ClickHouse and every
    /// correlation given its ClickHouse form (`SigmaClickHouseCorrelation`); one that cannot run
    /// there becomes unsupported with the reason, so that each is named, never dropped.
    public func forClickHouse() -> SigmaRuleSet {
        var statuses = self.statuses
        for (position, status) in statuses.enumerated() {
            guard var correlation = status.correlation else { continue }
            switch SigmaClickHouseCorrelation.compile(correlation) {
            case .success(let clickHouse):
                correlation.clickHouse = clickHouse
                statuses[position].correlation = correlation
            case .failure(let reason):
                statuses[position].correlation = nil
                statuses[position].reason = "on ClickHouse: \(reason.reason)"
            }
        }
        // A rule (or correlation) a correlation uses without `generate: true` alerts only inside
        // it, as on SQLite: when every correlation using it cannot run here, it does not run alone.
        var usedBy: [String: [String]] = [:], generated: Set<String> = []
        for correlation in correlations {
            for input in correlation.inputs {
                usedBy[input.ruleID, default: []].append(correlation.ruleID)
                if correlation.correlation.generate { generated.insert(input.ruleID) }
            }
        }
        let running = Set(statuses.compactMap { $0.correlation?.ruleID })
        return SigmaRuleSet(statuses: statuses.map { status -> SigmaRuleStatus in
            let id = status.compiled?.ruleID ?? status.correlation?.ruleID
            if let id, let users = usedBy[id], !generated.contains(id), !users.contains(where: running.contains) {
                return SigmaRuleStatus(path: status.path, ruleID: status.ruleID, title: status.title, compiled: nil,
                                       reason: "only used inside the correlation \(users[0]), which cannot run on ClickHouse", builtIn: status.builtIn)
            }
            guard let compiled = status.compiled else { return status }
            switch compiled.compiledForClickHouse() {
            case .success(let clickHouse):
                return SigmaRuleStatus(path: status.path, ruleID: status.ruleID, title: status.title, compiled: clickHouse,
                                       reason: "", builtIn: status.builtIn)
            case .failure(let reason):
                return SigmaRuleStatus(path: status.path, ruleID: status.ruleID, title: status.title, compiled: nil,
                                       reason: "on ClickHouse: \(reason.reason)", builtIn: status.builtIn)
            }
        })
    }
}
