import Model
import Queries

/// A detection rule: one `.sql` file whose rows become alerts. The file declares everything the
/// program needs to know about the rule, so adding a rule is adding a file:
///
/// ```sql
/// -- id: rpc_service_network
/// -- name: Remotely Started Services via RPC - Network Connection
/// -- severity: low
/// -- attack: T1021, T1569.002
/// -- description: An incoming TCP connection between high ports … (the help text)
/// -- param: min_port INTEGER = 49152 -- lowest source and destination port
/// -- needs: network name=services.exe direction=incoming -- the common Sysmon configurations do not log them
/// -- column: network_time TIME -- when the connection was made
/// -- column: source_ip TEXT -- where it came from
/// -- table: rule_id, severity, host, time, source
/// SELECT …
/// ```
///
/// The SQL returns `host` and every declared column, by name. `TIME` columns hold microseconds
/// since 1970 UTC and are printed as ISO-8601; `hidden` columns (`-- column: child_args ARGS
/// hidden`) feed the allowlist and the table but are not alert keys. `-- table:` picks the
/// columns of a terminal table (default: every alert key); `-- needs:` says which events the
/// rule cannot fire without, for coverage.
public struct DetectionRule: Sendable {
    public internal(set) var query: QueryFile
    /// The declared columns, hidden ones included, in order.
    public let columns: [AlertColumn]
    /// The columns of a terminal table.
    public let tableColumns: [String]
    /// The events the rule cannot fire without.
    public let needs: [RuleNeed]
    /// Values bound to the query besides its declared parameters (a compiled Sigma rule's).
    public var boundValues: [String: RowValue] = [:]
    /// Whether the built-in default allowlist applies (our remote-service rules, SQL and Sigma);
    /// a user's Sigma rule gets only the user's allowlists.
    public var usesDefaultAllowlist = true
    /// A Sigma rule's title, which an allowlist's `rule=` may name instead of its id.
    public var sigmaTitle: String?
    /// What `--rule` also accepts for this rule besides its id: a Sigma rule's title, a Sigma
    /// correlation's `name` and title.
    public var otherNames: [String] = []
    /// The rule's text for ClickHouse stores (built-in rules: `queries/clickhouse/`), if any.
    public var clickHouseSQL: String?
    /// On ClickHouse, runs the rule instead of `clickHouseSQL` alone (a Sigma correlation).
    public var clickHouseProgram: (any DetectionProgram)?
    /// A cheap test that tells when the rule cannot match, run on distinct values first.
    public var prefilter: DistinctValuesPrefilter?
    /// Texts every match contains, checked for all rules at once before any runs.
    public var literalPrefilter: LiteralPrefilter?
    /// `-- context: remote_service`: the engine adds the context columns to each alert after
    /// the rule ran (`AlertContextKind`); their values are not returned by the rule's SQL.
    public let context: AlertContextKind?
    /// `-- split: hosts by …`: the SQL may run in parts by host on several connections.
    public let split: RuleSplit?

    public var id: String { query.id }
    public var name: String { query.name }
    public var severity: String { query.severity ?? "medium" }
    /// Where the rule came from (`queries/sql/NAME.sql` or a path), for messages.
    public var origin: String { query.origin }

    /// The alert keys every rule has, before its own columns.
    public static let commonKeys = ["rule_id", "rule_name", "severity", "host"]

    /// The rule's alert keys: the common keys, then its visible columns.
    public var alertKeys: [String] { Self.commonKeys + columns.filter { !$0.hidden }.map(\.name) }

    /// Parses a rule file.
    /// - Throws: `RuleError` naming `origin` and the line of a malformed declaration.
    public init(sql: String, origin: String) throws {
        let query: QueryFile
        do {
            query = try QueryFile(sql: sql, origin: origin)
        } catch let error as QueryFileError {
            throw RuleError(error.message)
        }
        try self.init(query: query)
    }

    /// Reads the rule declarations of a parsed query file.
    /// - Throws: `RuleError` naming the file and line of a malformed declaration.
    public init(query: QueryFile) throws {
        var columns: [AlertColumn] = []
        var table: [String]?
        var needs: [RuleNeed] = []
        var context: AlertContextKind?
        var split: RuleSplit?
        for line in query.ruleLines {
            let at = "\(query.origin): line \(line.line)"
            switch line.key {
            case "column":
                let column = try AlertColumn(declaration: line.value, at: at)
                guard !Self.commonKeys.contains(column.name), !columns.contains(where: { $0.name == column.name }) else {
                    throw RuleError("\(at): the column \(column.name) is declared twice (or is a common key: \(Self.commonKeys.joined(separator: ", ")))")
                }
                columns.append(column)
            case "table":
                guard table == nil else { throw RuleError("\(at): the header has a second `-- table:` line") }
                table = line.value.split(separator: ",").map { String($0.trimmedBlanks) }.filter { !$0.isEmpty }
            case "needs":
                needs.append(try RuleNeed(declaration: line.value, at: at))
            case "context":
                guard context == nil else { throw RuleError("\(at): the header has a second `-- context:` line") }
                let name = HeaderDeclaration(line.value).words.first ?? ""
                guard let kind = AlertContextKind(rawValue: name) else {
                    throw RuleError("\(at): unknown context \(name) (known: \(AlertContextKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                context = kind
            case "split":
                guard split == nil else { throw RuleError("\(at): the header has a second `-- split:` line") }
                split = try RuleSplit(declaration: line.value, at: at)
                try split?.check(query, at: at)
            default:
                break
            }
        }
        guard !columns.isEmpty else {
            throw RuleError("\(query.origin): the rule declares no output column (add `-- column: name TYPE -- help` lines)")
        }
        if let context {
            if let clash = context.columns.first(where: { column in columns.contains { $0.name == column.name } }) {
                throw RuleError("\(query.origin): the column \(clash.name) is a context column of \(context.rawValue)")
            }
            columns += context.columns
        }
        let known = Set(Self.commonKeys + columns.map(\.name))
        if let table, let unknown = table.first(where: { !known.contains($0) }) {
            throw RuleError("\(query.origin): the table column \(unknown) is not a declared column")
        }
        self.query = query
        self.columns = columns
        self.tableColumns = table ?? (Self.commonKeys + columns.filter { !$0.hidden }.map(\.name))
        self.needs = needs
        self.context = context
        self.split = split
    }

    /// The declared columns the rule's SQL returns (the context columns are added after it ran).
    public var queryColumns: [AlertColumn] {
        guard let context else { return columns }
        return Array(columns.dropLast(context.columns.count))
    }

    /// The declared column called `name`.
    public func column(_ name: String) -> AlertColumn? {
        columns.first { $0.name == name }
    }
}

/// A rule file that cannot be used, or a rule that does not exist; one sentence naming the file.
public struct RuleError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ message: String) { description = message }
}
