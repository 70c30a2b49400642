/// The alert columns of Sigma rules: the common keys, `time`, `event_kind`, `record_id`,
/// `source`, the event's fields, then the rule's `tags` and `status`.
enum SigmaAlertLayout {
    /// `(alert column, SQL over e, declared type)` of the event fields, by kind; the columns
    /// introduced by migration m0006 appear when the database has them. With the remote-service
    /// context, whose `logon_id` is the network logon's, the process's own LogonId is
    /// `process_logon_id`.
    static func eventFields(_ kind: SigmaEventKind, stored: Set<String>?,
                            context: AlertContextKind? = nil) -> [(name: String, sql: String, type: String)] {
        let fields: [(String, String, String)]
        switch kind {
        case .process:
            fields = [
                ("executable", "e.executable", "TEXT"), ("command_line", "e.command_line", "TEXT"),
                ("original_file_name", "e.original_file_name", "TEXT"), ("description", "e.description", "TEXT"),
                ("product", "e.product", "TEXT"), ("company", "e.company", "TEXT"),
                ("working_directory", "e.working_directory", "TEXT"), ("user", userSQL, "TEXT"),
                ("integrity_level", "e.integrity_level", "TEXT"), ("hashes", "e.hashes", "TEXT"),
                ("pid", "e.pid", "INTEGER"), ("entity_id", "e.entity_id", "TEXT"),
                ("parent_executable", "e.parent_executable", "TEXT"), ("parent_command_line", "e.parent_command_line", "TEXT"),
                ("parent_user", "e.parent_user", "TEXT"), ("parent_pid", "e.parent_pid", "INTEGER"),
                ("parent_entity_id", "e.parent_entity_id", "TEXT"),
                (context == .remoteService ? "process_logon_id" : "logon_id", "e.logon_id", "TEXT"),
            ]
        case .network:
            fields = [
                ("executable", "e.executable", "TEXT"), ("user", userSQL, "TEXT"), ("pid", "e.pid", "INTEGER"),
                ("entity_id", "e.entity_id", "TEXT"), ("transport", "e.transport", "TEXT"), ("direction", "e.direction", "TEXT"),
                ("source_ip", "e.source_ip", "TEXT"), ("source_port", "e.source_port", "INTEGER"),
                ("source_hostname", "e.source_hostname", "TEXT"), ("destination_ip", "e.destination_ip", "TEXT"),
                ("destination_port", "e.destination_port", "INTEGER"), ("destination_hostname", "e.destination_hostname", "TEXT"),
            ]
        }
        return fields.filter { field in
            // Derived fields (user) read columns every version has.
            guard let stored, field.1.hasPrefix("e."), !field.1.contains(" ") else { return true }
            return stored.contains(String(field.1.dropFirst(2)))
        }
    }

    static let userSQL = "CASE WHEN e.user_domain IS NULL THEN e.user_name ELSE e.user_domain || '\\' || e.user_name END"

    /// Hidden columns the context reads: the event's time under the name the native rules
    /// give it (`network_time`, `process_time`).
    static func contextFields(_ kind: SigmaEventKind, context: AlertContextKind?) -> [(name: String, sql: String, type: String)] {
        guard context == .remoteService else { return [] }
        return [(kind == .process ? "process_time" : "network_time", "e.ts_us", "TIME")]
    }

    /// Hidden columns the allowlist matches on (it speaks of the started process as `child_…`).
    static func allowlistFields(_ kind: SigmaEventKind) -> [(name: String, sql: String, type: String)] {
        switch kind {
        case .process:
            return [("child_executable", "e.executable", "TEXT"), ("child_command_line", "e.command_line", "TEXT"),
                    ("child_args", "e.args", "ARGS"), ("child_user", userSQL, "TEXT")]
        case .network:
            return [("child_executable", "e.executable", "TEXT")]
        }
    }

    /// The columns of a terminal table.
    static func tableColumns(_ kind: SigmaEventKind) -> [String] {
        switch kind {
        case .process: return ["rule_id", "severity", "host", "time", "event_kind", "executable", "command_line"]
        case .network: return ["rule_id", "severity", "host", "time", "event_kind", "executable", "source_ip", "destination_ip", "destination_port"]
        }
    }
}
