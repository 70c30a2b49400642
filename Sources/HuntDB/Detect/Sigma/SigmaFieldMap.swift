/// Where a Sigma field (Sysmon's names) is answered from in the store.
///
/// Every expression reads the event row aliased `e` (a `processes` or `network_connections`
/// row) or its host `h`; they are constants of this file, never built from rule text.
public struct SigmaColumn: Sendable, Equatable {
    /// SQL over `e`/`h` giving the field's value (NULL when the event has none).
    public let sql: String
    /// Whether the value is an integer (ports, process ids): numbers compare as numbers.
    public let isInteger: Bool
    /// The stored columns the expression reads (to check the database has them).
    public let columns: [String]
    /// Whether the loaders store an empty value as '' (command lines); other text fields store
    /// an empty value as absent (NULL), so there `''` and `null` cannot be told apart.
    public let keepsEmpty: Bool

    init(_ sql: String, integer: Bool = false, columns: [String], keepsEmpty: Bool = false) {
        self.sql = sql
        self.isInteger = integer
        self.columns = columns
        self.keepsEmpty = keepsEmpty
    }

    /// A stored column read as is.
    static func column(_ name: String, integer: Bool = false, keepsEmpty: Bool = false) -> SigmaColumn {
        SigmaColumn("e.\(name)", integer: integer, columns: [name], keepsEmpty: keepsEmpty)
    }
}

/// The event kinds a Sigma rule can run on, by `logsource`.
public enum SigmaEventKind: String, Sendable {
    case process
    case network

    /// The table the events live in.
    var table: String { self == .process ? "processes" : "network_connections" }

    /// The kind for a rule's log source, or the reason we cannot run it.
    static func of(_ source: SigmaLogSource) -> Result<SigmaEventKind, SigmaUnsupported> {
        if let product = source.product, product.lowercased() != "windows" {
            return .failure(SigmaUnsupported("logsource product \(product) (we hold Windows events only)"))
        }
        switch source.category?.lowercased() {
        case "process_creation": return .success(.process)
        case "network_connection": return .success(.network)
        case let category?: return .failure(SigmaUnsupported("logsource category \(category) (we hold process_creation and network_connection)"))
        case nil:
            return .failure(SigmaUnsupported("logsource without a category\(source.service.map { " (service \($0))" } ?? "") (we hold process_creation and network_connection)"))
        }
    }

    /// The column for a Sigma field name (matched case-insensitively), or nil when we do not store it.
    func column(for field: String, dialect: SigmaDialect = .sqlite) -> SigmaColumn? {
        let key = field.lowercased()
        if dialect == .clickhouse, let column = SigmaClickHouseSQL.column(key, kind: self) { return column }
        return Self.commonFields[key] ?? (self == .process ? Self.processFields[key] : Self.networkFields[key])
    }

    /// `DOMAIN\user` as Sysmon writes `User`.
    private static let user = SigmaColumn(
        "CASE WHEN e.user_domain IS NULL THEN e.user_name ELSE e.user_domain || '\\' || e.user_name END",
        columns: ["user_name", "user_domain"])

    private static let commonFields: [String: SigmaColumn] = [
        "image": .column("executable"),
        "processid": .column("pid", integer: true),
        "processguid": .column("entity_id"),
        "user": user,
        "computer": SigmaColumn("h.name", columns: []),
        "computername": SigmaColumn("h.name", columns: []),
    ]

    private static func hashPart(_ name: String) -> SigmaColumn {
        SigmaColumn("hunt_hash_part(e.hashes, '\(name)')", columns: ["hashes"])
    }

    private static let processFields: [String: SigmaColumn] = [
        "commandline": .column("command_line", keepsEmpty: true),
        "currentdirectory": .column("working_directory"),
        "integritylevel": .column("integrity_level"),
        "hashes": .column("hashes"),
        "md5": hashPart("MD5"),
        "sha1": hashPart("SHA1"),
        "sha256": hashPart("SHA256"),
        "imphash": hashPart("IMPHASH"),
        "parentimage": .column("parent_executable"),
        "parentcommandline": .column("parent_command_line", keepsEmpty: true),
        "parentprocessid": .column("parent_pid", integer: true),
        "parentprocessguid": .column("parent_entity_id"),
        "parentuser": .column("parent_user"),
        "originalfilename": .column("original_file_name"),
        "description": .column("description"),
        "product": .column("product"),
        "company": .column("company"),
        "fileversion": .column("file_version"),
        "logonid": .column("logon_id"),
        "logonguid": .column("logon_guid"),
        "terminalsessionid": .column("terminal_session_id", integer: true),
    ]

    /// "true"/"false" as Sysmon writes booleans.
    private static func isIPv6(_ column: String) -> SigmaColumn {
        SigmaColumn("CASE WHEN e.\(column) IS NULL THEN NULL WHEN instr(e.\(column), ':') > 0 THEN 'true' ELSE 'false' END", columns: [column])
    }

    private static let networkFields: [String: SigmaColumn] = [
        "initiated": SigmaColumn("CASE e.direction WHEN 'outgoing' THEN 'true' WHEN 'incoming' THEN 'false' END", columns: ["direction"]),
        "protocol": .column("transport"),
        "sourceip": .column("source_ip"),
        "sourceport": .column("source_port", integer: true),
        "sourcehostname": .column("source_hostname"),
        "sourceportname": .column("source_port_name"),
        "sourceisipv6": isIPv6("source_ip"),
        "destinationip": .column("destination_ip"),
        "destinationport": .column("destination_port", integer: true),
        "destinationhostname": .column("destination_hostname"),
        "destinationportname": .column("destination_port_name"),
        "destinationisipv6": isIPv6("destination_ip"),
    ]

    /// Every text column of the kind's events, for `keywords` (searched in the whole event).
    var keywordColumns: [SigmaColumn] {
        let names = self == .process
            ? ["executable", "command_line", "working_directory", "parent_executable", "parent_command_line", "user_name",
               "user_domain", "integrity_level", "hashes"]
            : ["executable", "user_name", "user_domain", "source_ip", "source_hostname", "destination_ip", "destination_hostname"]
        return names.map { .column($0) }
    }
}

/// Why a rule cannot run here: one phrase (`field X is not stored`).
public struct SigmaUnsupported: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
