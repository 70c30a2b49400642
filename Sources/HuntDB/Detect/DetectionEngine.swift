/// What a detection run is limited to; nil means the rule's default.
public struct DetectionOptions: Sendable {
    public var sinceMicros: Int64?
    public var untilMicros: Int64?
    public var host: String?
    public var windowMillis: Int64?
    public var minPort: Int64?

    public init() {}

    /// The bound value of a well-known parameter, if set.
    func value(for parameter: String) -> SQLValue? {
        switch parameter {
        case "since": sinceMicros.map(SQLValue.integer)
        case "until": untilMicros.map(SQLValue.integer)
        case "host": host.map(SQLValue.text)
        case "window_ms": windowMillis.map(SQLValue.integer)
        case "min_port": minPort.map(SQLValue.integer)
        default: nil
        }
    }
}

/// Counts of one rule's run.
public struct RuleRunSummary: Sendable {
    public var ruleID: String
    public var alerts = 0
    public var suppressed = 0
    public var seconds: Double = 0
}

/// Runs detection rules against a store and applies the allowlist.
public struct DetectionEngine {
    public let store: HuntStore
    public let allowlist: Allowlist

    public init(store: HuntStore, allowlist: Allowlist) {
        self.store = store
        self.allowlist = allowlist
    }

    /// Runs `rule`, calling `onAlert` for each alert that survives the allowlist and
    /// `onSuppressed` for each one an entry suppressed.
    /// - Throws: `DatabaseError` or `QueryFileError` (a bad parameter default).
    public func run(_ rule: DetectionRule, options: DetectionOptions,
                    onAlert: (Alert) throws -> Void,
                    onSuppressed: (Alert, Allowlist.Entry) throws -> Void = { _, _ in }) throws -> RuleRunSummary {
        let started = ContinuousClock.now
        var summary = RuleRunSummary(ruleID: rule.id)
        let statement = try store.database.prepare(rule.query.sql, purpose: "running rule \(rule.id)")
        try bindParameters(of: rule.query, to: statement, options: options)
        let columns = Dictionary(uniqueKeysWithValues: statement.columnNames.enumerated().map { ($1, Int32($0)) })
        while try statement.step() {
            let alert = makeAlert(rule, statement, columns)
            if let entry = allowlist.suppressingEntry(for: alert) {
                summary.suppressed += 1
                try onSuppressed(alert, entry)
            } else {
                summary.alerts += 1
                try onAlert(alert)
            }
        }
        let elapsed = ContinuousClock.now - started
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// Binds every declared parameter the statement uses: the option if given, else the default.
    func bindParameters(of query: QueryFile, to statement: Statement, options: DetectionOptions) throws {
        let now = Clock.nowMicros()
        for parameter in query.parameters {
            guard let index = statement.parameterIndex(parameter.name) else { continue }
            let value = try options.value(for: parameter.name)
                ?? parameter.value(from: parameter.defaultText ?? "NULL", now: now)
            try statement.bind(value, at: index)
        }
    }

    private func makeAlert(_ rule: DetectionRule, _ s: Statement, _ columns: [String: Int32]) -> Alert {
        func text(_ name: String) -> String? { columns[name].flatMap { s.isNull($0) ? nil : s.text($0) } }
        func int(_ name: String) -> Int64? { columns[name].flatMap { s.isNull($0) ? nil : s.int64($0) } }
        var alert = Alert(ruleID: rule.id, ruleName: rule.name, severity: rule.severity, host: text("host") ?? "")
        alert.networkTimeMicros = int("network_ts_us")
        alert.processTimeMicros = int("process_ts_us")
        alert.sourceIP = text("source_ip")
        alert.sourcePort = int("source_port")
        alert.destinationIP = text("destination_ip")
        alert.destinationPort = int("destination_port")
        alert.servicesEntityID = text("services_entity_id")
        alert.servicesPID = int("services_pid")
        alert.childEntityID = text("child_entity_id")
        alert.childPID = int("child_pid")
        alert.childExecutable = text("child_executable")
        alert.childCommandLine = text("child_command_line")
        alert.childArgs = text("child_args").map(JSONStringArray.decode) ?? []
        alert.childUser = text("child_user")
        alert.parentExecutable = text("parent_executable")
        alert.connectionsInWindow = int("connections_in_window")
        alert.networkSource = text("network_source")
        alert.processSource = text("process_source")
        return alert
    }
}

/// Decodes the `args` column (a JSON array of strings).
enum JSONStringArray {
    static func decode(_ text: String) -> [String] {
        var tape = JSONTape()
        var copy = text
        return copy.withUTF8 { buffer -> [String] in
            do {
                try tape.parse(UnsafeRawBufferPointer(buffer))
            } catch {
                return []
            }
            guard tape.tokens[tape.root].kind == .array else { return [] }
            var values: [String] = []
            tape.forEachElement(of: tape.root) { if let v = tape.string($0) { values.append(v) } }
            return values
        }
    }
}
