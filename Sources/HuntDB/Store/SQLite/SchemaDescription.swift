import Model

/// The tables, views and columns an analyst queries, each with a one-line description.
///
/// Names and types come from the live database; descriptions from `SchemaDescription.text`.
/// A test checks that every table, view and column has one.
struct SchemaDescription {
    let database: Database

    /// Every table and view except SQLite's own, and their columns.
    /// - Throws: `DatabaseError`.
    func entries(object: String? = nil) throws -> [SchemaEntry] {
        let objects = try database.prepare(
            "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND (:name IS NULL OR name = :name) ORDER BY type, name",
            purpose: "listing tables and views")
        try objects.bind(["name": object.map(RowValue.text) ?? .null])
        let columns = try database.prepare(
            "SELECT name, type, \"notnull\" FROM pragma_table_info(:name) ORDER BY cid", purpose: "listing columns")
        var result: [SchemaEntry] = []
        while try objects.step() {
            let name = objects.text(0) ?? "", kind = objects.text(1) ?? ""
            result.append(SchemaEntry(object: name, kind: kind, column: nil, type: "", description: Self.describe(name, nil)))
            try columns.bind(["name": .text(name)])
            while try columns.step() {
                let column = columns.text(0) ?? ""
                var type = columns.text(1) ?? ""
                if columns.int64(2) != 0 { type += " NOT NULL" }
                result.append(SchemaEntry(object: name, kind: kind, column: column, type: type, description: Self.describe(name, column)))
            }
            columns.reset()
        }
        return result
    }

    /// The description of a table or view (`column` nil) or of one of its columns; empty when
    /// there is none.
    public static func describe(_ object: String, _ column: String?) -> String {
        guard let column else { return text[object] ?? "" }
        if let own = text["\(object).\(column)"] { return own }
        if let base = viewBase[object] { return text["\(base).\(column)"] ?? "" }
        if let base = compactBase[object] { return compactColumn(base: base, column) }
        return ""
    }

    /// The compact tables (m0009) behind the views `processes` and `network_connections`.
    private static let compactBase = ["process_rows": "processes", "network_rows": "network_connections"]

    /// A compact table's column: a dictionary reference (`…_ref`) or the view's column itself.
    private static func compactColumn(base: String, _ column: String) -> String {
        guard column.hasSuffix("_ref") else { return text["\(base).\(column)"] ?? "" }
        let field = String(column.dropLast(4))
        let dictionary = field.hasSuffix("entity") ? "entities"
            : InternedColumns.dictionary(of: field, in: base)?.rawValue ?? "strings"
        let viewColumn = field.hasSuffix("entity") ? field + "_id" : field
        return "\(base).\(viewColumn) as an id in \(dictionary) (interned: each distinct text stored once)."
    }

    /// Views whose columns, unless described themselves, mean what the base table's do.
    private static let viewBase = ["process_events": "processes", "network_events": "network_connections"]

    private static let text: [String: String] = [
        "hosts": "One row per host seen in the events.",
        "hosts.host_id": "The host's id; events refer to it.",
        "hosts.host_key": "ECS host.id as 'id:…', else the lower-cased computer name: what makes a host unique.",
        "hosts.name": "The host's name as the first event gave it (Sysmon Computer, ECS host.name).",
        "hosts.ecs_host_id": "ECS host.id when the events carry one.",

        "sources": "One row per loaded file or stream, with how its load ended and its counts.",
        "sources.source_id": "The source's id; events and rejects refer to it.",
        "sources.path": "The path as given to hunt load; '-' for standard input.",
        "sources.size_bytes": "Bytes read from the file (the compressed size for gzip).",
        "sources.sha256": "SHA-256 of the bytes as stored on disk.",
        "sources.format": "The detected or forced input format.",
        "sources.compression": "'none' or 'gzip'.",
        "sources.status": "'loading', 'complete', 'interrupted' or 'failed'.",
        "sources.started_at_us": "When the load of this source started (microseconds since 1970 UTC).",
        "sources.finished_at_us": "When it ended (microseconds since 1970 UTC); NULL while loading or after a crash.",
        "sources.records_read": "Records read = loaded + duplicate + not relevant + rejected.",
        "sources.records_loaded": "Records stored as events.",
        "sources.records_duplicate": "Records already stored (same host, record key, time and content).",
        "sources.records_not_relevant": "Records of other event kinds, skipped.",
        "sources.records_rejected": "Records that could not be used; see rejects.",
        "sources.message": "Why a load failed or stopped early.",
        "sources.records_incomplete": "Loaded events that lacked a field a rule needs; see warnings.",
        "sources.records_truncated": "Loaded events with a field cut to the longest Windows allows; see warnings.",
        "sources.records_colliding": "Loaded events whose record id the host already used for another event (both kept); see warnings.",

        "rejects": "One row per rejected record: where it is and why.",
        "rejects.reject_id": "The reject's id.",
        "rejects.source_id": "The source the record came from.",
        "rejects.record": "Line number (NDJSON) or record number (arrays, XML, EVTX) in the source.",
        "rejects.byte_offset": "Offset of the record in the (decompressed) stream.",
        "rejects.reason": "Why the record was rejected, as a sentence.",
        "rejects.excerpt": "The start of the record.",

        "warnings": "One row per warning about a stored event: a field a rule needs was missing (incomplete), a field was cut to the longest Windows allows (truncated), or the host already held another event under the same record id (colliding; both are kept).",
        "warnings.warning_id": "The warning's id.",
        "warnings.source_id": "The source the event came from.",
        "warnings.record": "Line number (NDJSON) or record number (arrays, XML, EVTX) in the source.",
        "warnings.byte_offset": "Offset of the record in the (decompressed) stream.",
        "warnings.kind": "'incomplete', 'truncated' or 'colliding'.",
        "warnings.reason": "What is missing or cut, or which other event has the same record id.",

        "names": "Dictionary of image file names (name, parent_name of processes and network_connections), one row per exact spelling; compares case-insensitively.",
        "names.name_ref": "The name's id; process_rows.name_ref and parent_name_ref, network_rows.name_ref refer to it.",
        "names.value": "The file name as loaded (case-insensitive comparisons).",
        "entities": "Dictionary of process entity ids (Sysmon ProcessGuid, ECS entity id, Security's synthesized ids).",
        "entities.entity_ref": "The entity's id; process_rows.entity_ref and parent_entity_ref, network_rows.entity_ref refer to it.",
        "entities.value": "The entity id as processes.entity_id shows it.",
        "strings": "Dictionary of every other repeated text of the events (paths, users, hashes, addresses, host names, port names, version resources).",
        "strings.string_id": "The text's id; the other *_ref columns of process_rows and network_rows refer to it.",
        "strings.value": "The text.",
        "texts": "Dictionary of command lines and args arrays (process_rows.command_line_ref, args_ref, parent_command_line_ref), found by a hash of the text instead of an index over it.",
        "texts.text_id": "The text's id; process_rows.command_line_ref, args_ref and parent_command_line_ref refer to it.",
        "texts.hash": "hunt_text_hash(value): a 64-bit hash of the text's UTF-8 bytes, what the load looks a text up by (it compares the text too).",
        "texts.value": "The command line or args array.",
        "process_rows": "Process starts as stored: integers and ids into names, entities, strings and texts. Query the view processes (same rows, every column as text) or process_events instead.",
        "network_rows": "Network connections as stored: integers and ids into names, entities and strings. Query the view network_connections (same rows, every column as text) or network_events instead.",
        "process_rows.source_kind": "The log the event came from as a code: 0 sysmon, 1 security, 2 ecs (the views spell it).",
        "network_rows.source_kind": "The log the event came from as a code: 0 sysmon, 1 security, 2 ecs (the views spell it).",

        "processes": "Process starts (Sysmon Event ID 1, Security 4688, ECS process start); times in microseconds. A view over process_rows and its dictionaries.",
        "processes.event_id": "The event's id in this database.",
        "processes.host_id": "The host (hosts.host_id).",
        "processes.ts_us": "When the process started, in microseconds since 1970 UTC.",
        "processes.record_key": "EventRecordID, 'channel:id', ECS event.id, or a content hash.",
        "processes.content_key": "A hash of the event's fields; with the host, record_key and ts_us it is the event's identity (an event loaded again is a duplicate, another event that reuses the record id is kept).",
        "processes.source_id": "The source the event came from (sources.source_id).",
        "processes.source_record": "Line or record number of the event in its source.",
        "processes.entity_id": "The process entity (Sysmon ProcessGuid in lower case without braces, ECS entity_id, or for Security 4688 security:<host>:<pid>:<start> made by the store).",
        "processes.pid": "Process id.",
        "processes.executable": "Full path of the image.",
        "processes.name": "File name of the image (case-insensitive).",
        "processes.command_line": "The command line as logged.",
        "processes.args": "The command line split into arguments, as a JSON array of strings.",
        "processes.working_directory": "The current directory at start.",
        "processes.parent_entity_id": "The parent process entity.",
        "processes.parent_pid": "The parent's process id.",
        "processes.parent_executable": "Full path of the parent's image.",
        "processes.parent_name": "File name of the parent's image (case-insensitive).",
        "processes.parent_command_line": "The parent's command line.",
        "processes.user_name": "The user the process runs as.",
        "processes.user_domain": "That user's domain.",
        "processes.integrity_level": "Windows integrity level (Low, Medium, High, System).",
        "processes.hashes": "Image hashes as logged (SHA1=…,MD5=…,SHA256=…).",
        "processes.source_kind": "The log the event came from: 'sysmon', 'security' or 'ecs'.",
        "processes.ts_precision_us": "How precise ts_us is, in microseconds (1000: milliseconds; 1000000: whole seconds).",
        "processes.original_file_name": "The image's original file name from its version resource (Sysmon OriginalFileName).",
        "processes.description": "The image's file description from its version resource.",
        "processes.product": "The image's product name from its version resource.",
        "processes.company": "The image's company name from its version resource.",
        "processes.file_version": "The image's file version from its version resource.",
        "processes.logon_id": "The logon session the process runs in, as logged (0x3e7).",
        "processes.logon_guid": "The logon session's GUID (lower case without braces).",
        "processes.terminal_session_id": "The terminal (desktop) session id.",
        "processes.parent_user": "The parent process's account as logged (DOMAIN\\user).",

        "network_connections": "Network connections (Sysmon Event ID 3, Security 5156, ECS network); times in microseconds. A view over network_rows and its dictionaries.",
        "network_connections.event_id": "The event's id in this database.",
        "network_connections.host_id": "The host (hosts.host_id).",
        "network_connections.ts_us": "When the connection was seen, in microseconds since 1970 UTC.",
        "network_connections.record_key": "EventRecordID, 'channel:id', ECS event.id, or a content hash.",
        "network_connections.content_key": "A hash of the event's fields; with the host, record_key and ts_us it is the event's identity (an event loaded again is a duplicate, another event that reuses the record id is kept).",
        "network_connections.source_id": "The source the event came from (sources.source_id).",
        "network_connections.source_record": "Line or record number of the event in its source.",
        "network_connections.entity_id": "The process entity that owns the connection.",
        "network_connections.pid": "Process id.",
        "network_connections.executable": "Full path of the process image.",
        "network_connections.name": "File name of the process image (case-insensitive).",
        "network_connections.user_name": "The user the process runs as.",
        "network_connections.user_domain": "That user's domain.",
        "network_connections.transport": "Lower case: tcp, udp.",
        "network_connections.direction": "'incoming' or 'outgoing', as seen by this host.",
        "network_connections.source_ip": "Source address.",
        "network_connections.source_port": "Source port.",
        "network_connections.source_hostname": "Source host name when logged.",
        "network_connections.destination_ip": "Destination address.",
        "network_connections.destination_port": "Destination port.",
        "network_connections.destination_hostname": "Destination host name when logged.",
        "network_connections.source_kind": "The log the event came from: 'sysmon', 'security' or 'ecs'.",
        "network_connections.ts_precision_us": "How precise ts_us is, in microseconds (1000: milliseconds; 1000000: whole seconds).",
        "network_connections.source_port_name": "The source port's service name as Sysmon resolved it.",
        "network_connections.destination_port_name": "The destination port's service name as Sysmon resolved it (epmap, microsoft-ds).",

        "lifecycle_events": "What bounds the life of a process without a GUID: Security 4689 (a process exited) and 4608 (the host started).",
        "lifecycle_events.event_id": "The event's id in this database.",
        "lifecycle_events.host_id": "The host (hosts.host_id).",
        "lifecycle_events.ts_us": "When it happened, in microseconds since 1970 UTC.",
        "lifecycle_events.record_key": "'Security:<EventRecordID>', or a content hash.",
        "lifecycle_events.content_key": "A hash of the event's fields as loaded; with the host, record_key and ts_us it is the event's identity.",
        "lifecycle_events.source_id": "The source the event came from (sources.source_id).",
        "lifecycle_events.source_record": "Line or record number of the event in its source.",
        "lifecycle_events.kind": "'exit' (4689) or 'boot' (4608).",
        "lifecycle_events.entity_id": "The process that exited (linked by the store, like a 5156's); empty for a boot.",
        "lifecycle_events.pid": "The exiting process's id.",
        "lifecycle_events.executable": "Its image path.",
        "lifecycle_events.name": "File name of the image (case-insensitive).",
        "lifecycle_events.user_name": "The account that logged the exit.",
        "lifecycle_events.user_domain": "That account's domain.",
        "lifecycle_events.source_kind": "The log the event came from: 'security'.",
        "lifecycle_events.ts_precision_us": "How precise ts_us is, in microseconds (1000000: whole seconds).",
        "logons": "Logons (Security 4624 success, 4625 failure): context for remote-service alerts and the network_logons hunt.",
        "logons.event_id": "The event's id in this database.",
        "logons.host_id": "The host logged on to (hosts.host_id).",
        "logons.ts_us": "When it happened, in microseconds since 1970 UTC.",
        "logons.record_key": "'Security:<EventRecordID>', or a content hash.",
        "logons.content_key": "A hash of the event's fields as loaded; with the host, record_key and ts_us it is the event's identity.",
        "logons.source_id": "The source the event came from (sources.source_id).",
        "logons.source_record": "Line or record number of the event in its source.",
        "logons.source_kind": "The log the event came from: 'security'.",
        "logons.ts_precision_us": "How precise ts_us is, in microseconds (1000000: whole seconds).",
        "logons.event_code": "4624 (success) or 4625 (failure).",
        "logons.outcome": "'success' or 'failure'.",
        "logons.logon_type": "LogonType: 2 interactive, 3 network, 5 service, 10 remote interactive, ...",
        "logons.user_name": "The account logged on (TargetUserName).",
        "logons.user_domain": "Its domain (TargetDomainName).",
        "logons.logon_id": "The new logon session (TargetLogonId), lower case; null for a failure.",
        "logons.source_ip": "The client's address (IpAddress), canonical.",
        "logons.source_port": "The client's port (IpPort).",
        "logons.workstation": "The workstation name the client gave (WorkstationName).",
        "logons.logon_process": "LogonProcessName (NtLmSsp, Kerberos, User32).",
        "logons.auth_package": "AuthenticationPackageName (NTLM, Kerberos, Negotiate).",
        "logons.failure_status": "A failure's SubStatus, else Status (0xc000006a: bad password).",
        "logons.pid": "The process that asked for the logon (ProcessId).",
        "logons.executable": "Its image path (ProcessName).",
        "service_installs": "Services installed (System 7045, Security 4697) and service ImagePaths set (Sysmon 13): context for remote-service alerts and the services_installed hunt.",
        "service_installs.event_id": "The event's id in this database.",
        "service_installs.host_id": "The host (hosts.host_id).",
        "service_installs.ts_us": "When it happened, in microseconds since 1970 UTC.",
        "service_installs.record_key": "'System:<id>', 'Security:<id>', a Sysmon record id, or a content hash.",
        "service_installs.content_key": "A hash of the event's fields as loaded; with the host, record_key and ts_us it is the event's identity.",
        "service_installs.source_id": "The source the event came from (sources.source_id).",
        "service_installs.source_record": "Line or record number of the event in its source.",
        "service_installs.source_kind": "The log the event came from: 'system' (7045), 'security' (4697) or 'sysmon' (13).",
        "service_installs.ts_precision_us": "How precise ts_us is, in microseconds (1000000: whole seconds).",
        "service_installs.event_code": "7045, 4697 or 13.",
        "service_installs.service_name": "The service's name (case-insensitive).",
        "service_installs.image_path": "The command line the service control manager runs, as written (%COMSPEC% /C ...).",
        "service_installs.start_type": "StartType / ServiceStartType as given (demand start, 3).",
        "service_installs.service_type": "ServiceType as given (user mode service, 0x10).",
        "service_installs.account": "The account the service runs as (AccountName / ServiceAccount).",
        "service_installs.user_name": "4697: the account that installed it.",
        "service_installs.user_domain": "That account's domain.",
        "service_installs.logon_id": "4697: the installer's logon session (SubjectLogonId), lower case.",
        "service_installs.entity_id": "13: the process that set the value (Sysmon ProcessGuid).",
        "service_installs.pid": "13: that process's id.",
        "service_installs.executable": "13: that process's image path.",
        "command_line_evidence": "A process's command line as a log other than its start gives it (PowerShell 4103 ContextInfo Host Application, by process id): the alert context's source_command_line when the source process started before the recording.",
        "command_line_evidence.event_id": "The event's id in this database.",
        "command_line_evidence.host_id": "The host (hosts.host_id).",
        "command_line_evidence.ts_us": "When it was logged, in microseconds since 1970 UTC.",
        "command_line_evidence.record_key": "'Microsoft-Windows-PowerShell/Operational:<EventRecordID>', or a content hash.",
        "command_line_evidence.content_key": "A hash of the event's fields as loaded; with the host, record_key and ts_us it is the event's identity.",
        "command_line_evidence.source_id": "The source the event came from (sources.source_id).",
        "command_line_evidence.source_record": "Line or record number of the event in its source.",
        "command_line_evidence.source_kind": "The log the event came from: 'powershell'.",
        "command_line_evidence.ts_precision_us": "How precise ts_us is, in microseconds (1000000: whole seconds).",
        "command_line_evidence.event_code": "4103.",
        "command_line_evidence.pid": "The process the command line is of (System/Execution ProcessID: the PowerShell host).",
        "command_line_evidence.command_line": "Its command line (ContextInfo Host Application).",
        "command_line_evidence.user_name": "The account PowerShell ran as (ContextInfo User), without the domain.",
        "command_line_evidence.user_domain": "That account's domain.",
        "host_volumes": "Which drive a host's \\device\\harddiskvolumeN is, learned from its own Security events; 5156 paths on it are shown on the drive.",
        "host_volumes.host_id": "The host (hosts.host_id).",
        "host_volumes.device": "The device, e.g. \\device\\harddiskvolume2 (case-insensitive).",
        "host_volumes.drive": "The drive it is, e.g. C:.",

        "connection_context": "The alert context of each incoming connection to services.exe, kept by the loads (logon and source side, as a rule run would look them up); rule runs read it.",
        "connection_context.ts_us": "The connection's time, in microseconds since 1970 UTC.",
        "connection_context.host_id": "Its host (hosts.host_id), as the look-up resolves the alert's host name.",
        "connection_context.event_id": "The connection (network_connections.event_id).",
        "connection_context.record": "The key (host name, source and destination address and port) and the alert's logon_* and source_* values, packed (m0016 describes the layout).",
        "connection_context.source_ip_ref": "Its source address (strings.string_id).",
        "connection_context.source_port": "Its source port.",
        "connection_context.destination_ip_ref": "Its destination address (strings.string_id).",
        "connection_context.destination_port": "Its destination port.",
        "connection_context.logon_event_id": "The logon chosen (logons.event_id), NULL when none.",
        "connection_context.source_event_id": "The source side's connection (network_connections.event_id), NULL when none.",
        "connection_context.source_host_id": "The source host (hosts.host_id): the alert's source_host.",
        "connection_context.source_entity_ref": "The source process (entities.entity_ref).",
        "connection_context.source_pid": "The pid its command-line evidence was asked for, when its start was not loaded.",
        "connection_context.source_ts_us": "The source side's connection time, in microseconds since 1970 UTC.",
        "child_context": "The alert context of each process services.exe started, kept by the loads (logon, source side and service, as a rule run with no connection would look them up); rule runs read it.",
        "child_context.ts_us": "The child's start, in microseconds since 1970 UTC.",
        "child_context.host_id": "Its host (hosts.host_id), as the look-up resolves the alert's host name.",
        "child_context.event_id": "The child (processes.event_id).",
        "child_context.record": "The key (child executable, strings.string_id, and command line, texts.text_id) and the alert's logon_*, source_* and service_* values, packed (m0016 describes the layout).",
        "child_context.logon_event_id": "The logon chosen (logons.event_id), NULL when none.",
        "child_context.logon_ip": "The chosen logon's source address: with logon_port, what the source side was matched by.",
        "child_context.logon_ts_us": "The chosen logon's time, in microseconds since 1970 UTC.",
        "child_context.logon_port": "The logon's source port: with logon_ip, the connection the source side was matched by.",
        "child_context.source_event_id": "The source side's connection (network_connections.event_id), NULL when none.",
        "child_context.source_host_id": "The source host (hosts.host_id): the alert's source_host.",
        "child_context.source_entity_ref": "The source process (entities.entity_ref).",
        "child_context.source_pid": "The pid its command-line evidence was asked for, when its start was not loaded.",
        "child_context.source_ts_us": "The source side's connection time, in microseconds since 1970 UTC.",
        "child_context.service_event_id": "The service install chosen (service_installs.event_id), NULL when none.",
        "connection_context_state": "How far connection_context and child_context took the event tables into account (one row); rule runs look the context up when it is behind.",
        "connection_context_state.services_through": "The greatest service_installs.event_id it took into account.",
        "connection_context_state.id": "Always 1.",
        "connection_context_state.built": "1 once connection_context and child_context were computed.",
        "connection_context_state.network_through": "The greatest network_connections.event_id it took into account.",
        "connection_context_state.logons_through": "The greatest logons.event_id it took into account.",
        "connection_context_state.processes_through": "The greatest processes.event_id it took into account.",
        "connection_context_state.evidence_through": "The greatest command_line_evidence.event_id it took into account.",
        "connection_context_changes": "Event rows changed in place since the last refresh of connection_context and child_context (written by triggers; empty after each load).",
        "connection_context_changes.kind": "1 network_connections, 2 logons, 3 processes, 4 command_line_evidence, 5 service_installs.",
        "connection_context_changes.event_id": "The changed row's event id.",
        "connection_context_changes.host_id": "processes: the host before or after the change.",
        "connection_context_changes.entity_ref": "processes: the entity before or after the change.",

        "schema_migrations": "Schema migrations applied to this file, by id.",
        "schema_migrations.id": "The migration's id (its file name).",
        "schema_migrations.applied_at_us": "When it was applied (microseconds since 1970 UTC).",
        "deferred_indexes": "Secondary indexes a bulk load dropped and has not rebuilt yet (empty unless a load is running or died).",
        "deferred_indexes.name": "The index's name.",
        "deferred_indexes.sql": "The CREATE INDEX statement that rebuilds it.",

        "process_events": "processes with ISO-8601 UTC times, host names and source paths: start here.",
        "process_events.time": "When the process started, ISO-8601 UTC with milliseconds.",
        "process_events.host": "The host's name.",
        "process_events.source_path": "The file the event came from.",
        "network_events": "network_connections with ISO-8601 UTC times, host names and source paths: start here.",
        "network_events.time": "When the connection was seen, ISO-8601 UTC with milliseconds.",
        "network_events.host": "The host's name.",
        "network_events.source_path": "The file the event came from.",
    ]
}
