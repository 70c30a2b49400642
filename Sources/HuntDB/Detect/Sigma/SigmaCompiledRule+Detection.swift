import Model

extension SigmaCompiledRule {
    /// The rule's id for alerts and `--rule`: the Sigma `id`, else its `name`, else the file name
    /// without `.yml` (and the document's number after the first).
    public var ruleID: String { SigmaRuleIdentity.ruleID(id: rule.id, name: rule.name, path: rule.path, document: rule.document) }

    /// The whole query: the rule's predicate over the kind's events within the run's scope
    /// (`:since`, `:until`, `:host`), returning the Sigma alert columns. `restricted` limits it
    /// to the events whose ids `:hunt_candidates` lists (a JSON array; see `LiteralScreen`).
    /// The `+` in `ORDER BY` keeps SQLite from walking an unrelated index of the event table
    /// for that order, with one table seek per row (measured: twice the CPU of a plain scan).
    public func sql(storedColumns: Set<String>?, restricted: Bool = false) -> String {
        let fields = SigmaAlertLayout.eventFields(kind, stored: storedColumns, context: rule.alertContext)
            + SigmaAlertLayout.allowlistFields(kind) + SigmaAlertLayout.contextFields(kind, context: rule.alertContext)
        let selected = fields.map { "    \($0.sql) AS \($0.name)," }.joined(separator: "\n")
        let kindName = kind == .process ? "'process'" : "'network'"
        let candidates = restricted ? "\n  AND e.event_id IN (SELECT value FROM json_each(:hunt_candidates))" : ""
        return """
            SELECT
                h.name AS host,
                e.ts_us AS time,
                \(kindName) AS event_kind,
                CASE typeof(e.record_key) WHEN 'blob' THEN NULL ELSE CAST(e.record_key AS TEXT) END AS record_id,
                s.path || ':' || e.source_record AS source,
            \(selected)
                :sigma_tags AS tags,
                :sigma_status AS status
            FROM \(kind.table) AS e
            JOIN hosts AS h ON h.host_id = e.host_id
            JOIN sources AS s ON s.source_id = e.source_id
            WHERE \(predicate)\(candidates)
              AND \(EventScopeSQL.filter)
            ORDER BY +e.ts_us, +e.event_id
            """
    }

    /// The values bound besides the scope: the rule's own and its tags and status.
    public var boundValues: [String: RowValue] {
        var values: [String: RowValue] = [:]
        for (name, value) in bindings { values[name] = value }
        values["sigma_tags"] = .text(rule.tags.joined(separator: ", "))
        values["sigma_status"] = rule.status.isEmpty ? .null : .text(rule.status)
        return values
    }

    /// The rule as a detection rule the engine runs like any other. `builtIn` rules (the
    /// remote-service family shipped in queries/sigma) also take the default allowlist.
    public func detectionRule(storedColumns: Set<String>?, builtIn: Bool) throws -> DetectionRule {
        detectionRule(template: try SigmaDetectionTemplate(kind: kind, storedColumns: storedColumns, context: rule.alertContext),
                      builtIn: builtIn)
    }

    /// `detectionRule` with the header of the rule's kind already parsed.
    func detectionRule(template: SigmaDetectionTemplate, builtIn: Bool) -> DetectionRule {
        var detection = template.rule
        let storedColumns = template.storedColumns
        let header = "-- id: \(ruleID)\n" + template.header + "\n"
        detection.query.id = ruleID
        detection.query.origin = rule.path
        detection.query.sql = header + sql(storedColumns: storedColumns)
        // Rule text goes into the fields directly, never through the header it could break.
        detection.query.name = rule.title
        detection.query.severity = rule.level
        detection.query.attack = rule.attackIDs
        detection.query.description = rule.description
        detection.boundValues = boundValues
        detection.usesDefaultAllowlist = builtIn
        detection.sigmaTitle = rule.title
        detection.otherNames = [rule.title]
        if dialect == .clickhouse {
            // Compiled for ClickHouse: its text only (the prefilters and the screen speak SQLite).
            let text = clickHouseSQL(storedColumns: storedColumns)
            detection.query.sql = header + text
            detection.clickHouseSQL = text
            return detection
        }
        detection.prefilter = prefilter(storedColumns: storedColumns)
        detection.literalPrefilter = LiteralPrefilter(table: kind.table, need: literalNeed(storedColumns: storedColumns),
                                                      restrictedSQL: header + sql(storedColumns: storedColumns, restricted: true))
        return detection
    }
}

/// The header of every Sigma rule of one event kind over one set of stored columns (parameters,
/// needs, alert columns, context), parsed once per run rather than once per rule: only the id differs.
struct SigmaDetectionTemplate {
    /// What a template depends on besides the stored columns.
    struct Key: Hashable {
        let kind: SigmaEventKind
        let context: AlertContextKind?
    }

    let storedColumns: Set<String>?
    /// The header's lines after `-- id:`.
    let header: String
    /// A detection rule with that header and a stand-in id, to copy.
    let rule: DetectionRule

    init(kind: SigmaEventKind, storedColumns: Set<String>?, context: AlertContextKind? = nil) throws {
        let fields = SigmaAlertLayout.eventFields(kind, stored: storedColumns, context: context)
        var lines = [
            "-- param: since TIME = NULL -- only events at or after this time",
            "-- param: until TIME = NULL -- only events before this time",
            "-- param: host TEXT = NULL -- only this host",
            "-- needs: \(kind.rawValue)",
            "-- column: time TIME -- when the event happened",
            "-- column: event_kind TEXT -- process or network",
            "-- column: record_id TEXT -- the event's EventRecordID or ECS event.id",
            "-- column: source TEXT -- file:line-or-record of the event",
        ]
        lines += fields.map { "-- column: \($0.name) \($0.type)" }
        lines += SigmaAlertLayout.allowlistFields(kind).map { "-- column: \($0.name) \($0.type) hidden" }
        lines += SigmaAlertLayout.contextFields(kind, context: context).map { "-- column: \($0.name) \($0.type) hidden" }
        lines += ["-- column: tags TEXT -- the rule's tags", "-- column: status TEXT -- the rule's status"]
        lines.append("-- table: \(SigmaAlertLayout.tableColumns(kind).joined(separator: ", "))")
        if let context { lines.append("-- context: \(context.rawValue)") }
        self.storedColumns = storedColumns
        header = lines.joined(separator: "\n")
        rule = try DetectionRule(query: QueryFile(sql: "-- id: sigma_rule\n" + header + "\nSELECT 1", origin: "sigma"))
    }
}
