import Foundation
@testable import Store
import Schema

/// A database as the release before the compact store (m0009) left it: migrations up to m0007
/// and `events` rows per event table, with case variants of names, NULLs, Security rows and
/// record keys of every type, so an upgrade has something to get wrong.
enum OldDatabase {
    static func write(_ path: String, events: Int) throws {
        let database = try Database(path: path)
        try database.registerContentKeyFunction()
        try MigrationRunner(migrations: Migration.embedded.filter { $0.id < "m0008" }).migrate(database)
        try database.execute("""
            INSERT INTO hosts (host_id, host_key, name) VALUES (1, 'ws1.corp.example', 'WS1.corp.example'), (2, 'id:abc', 'SRV2');
            INSERT INTO sources (source_id, path, format, compression, status, started_at_us, records_read, records_loaded)
            VALUES (1, 'old.ndjson', 'ndjson:sysmon-flat', 'none', 'complete', 0, 0, 0);
            """, purpose: "writing an old database")
        let rows = try database.prepare("""
            WITH RECURSIVE i (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < :count)
            INSERT INTO processes (event_id, host_id, ts_us, record_key, content_key, source_id, source_record, entity_id, pid,
                executable, name, command_line, args, working_directory, parent_entity_id, parent_pid, parent_executable,
                parent_name, parent_command_line, user_name, user_domain, integrity_level, hashes, source_kind,
                ts_precision_us, original_file_name, description, product, company, file_version, logon_id, logon_guid,
                terminal_session_id, parent_user)
            SELECT n, 1 + n % 2, 1793527200000000 + n * 1000,
                CASE n % 3 WHEN 0 THEN n WHEN 1 THEN 'Security:' || n ELSE x'00ff' || n END,
                n * 7919, 1, n, printf('%08x-0000-4000-8000-%012d', n, n), n % 5000,
                'C:\\Windows\\System32\\' || CASE n % 4 WHEN 0 THEN 'cmd.exe' WHEN 1 THEN 'CMD.EXE' WHEN 2 THEN 'svchost.exe' ELSE 'x' || n % 97 || '.exe' END,
                CASE n % 4 WHEN 0 THEN 'cmd.exe' WHEN 1 THEN 'CMD.EXE' WHEN 2 THEN 'svchost.exe' ELSE 'x' || n % 97 || '.exe' END,
                'cmd.exe /c echo ' || n % 101, '["cmd.exe","/c","echo","' || n % 101 || '"]',
                CASE WHEN n % 5 = 0 THEN NULL ELSE 'C:\\Windows\\' END,
                CASE WHEN n % 7 = 0 THEN NULL ELSE printf('%08x-0000-4000-8000-%012d', n / 2, n / 2) END, n % 4000,
                'C:\\Windows\\System32\\services.exe', CASE n % 10 WHEN 0 THEN 'Services.exe' ELSE 'services.exe' END,
                'C:\\Windows\\system32\\services.exe', 'user' || n % 13, CASE WHEN n % 2 = 0 THEN 'CORP' END, 'High',
                'SHA1=' || n % 50, CASE WHEN n % 50 = 0 THEN 'security' WHEN n % 50 = 1 THEN 'ecs' ELSE 'sysmon' END,
                CASE WHEN n % 50 = 0 THEN 1000000 ELSE 1000 END, 'cmd.exe', NULL, 'Windows', 'Microsoft', '10.0',
                '0x3e7', '00000000-0000-0000-0000-00000000' || n % 9, n % 3, 'NT AUTHORITY\\SYSTEM'
            FROM i
            """, purpose: "writing old process rows")
        try rows.bind(["count": .integer(Int64(events))])
        try rows.run()
        let network = try database.prepare("""
            WITH RECURSIVE i (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < :count)
            INSERT INTO network_connections (event_id, host_id, ts_us, record_key, content_key, source_id, source_record,
                entity_id, pid, executable, name, user_name, user_domain, transport, direction, source_ip, source_port,
                source_hostname, destination_ip, destination_port, destination_hostname, source_kind, ts_precision_us,
                source_port_name, destination_port_name)
            SELECT n + 1000000000, 1 + n % 2, 1793527200000000 + n * 1000 + 7, n, n * 104729, 1, n + :count,
                CASE WHEN n % 11 = 0 THEN '' ELSE printf('%08x-0000-4000-8000-%012d', n % 300, n % 300) END, n % 300,
                'C:\\Windows\\System32\\services.exe', CASE n % 3 WHEN 0 THEN 'SERVICES.EXE' ELSE 'services.exe' END,
                CASE WHEN n % 4 = 0 THEN NULL ELSE 'SYSTEM' END, 'NT AUTHORITY', CASE n % 2 WHEN 0 THEN 'tcp' ELSE 'udp' END,
                CASE n % 3 WHEN 0 THEN 'outgoing' ELSE 'incoming' END, '10.0.' || n % 7 || '.' || n % 251, 49152 + n % 1000,
                NULL, '10.1.0.' || n % 5, 49152 + n % 7, CASE WHEN n % 9 = 0 THEN 'dc.corp.example' END,
                CASE WHEN n % 50 = 0 THEN 'security' ELSE 'sysmon' END, 1000, NULL, CASE WHEN n % 2 = 0 THEN 'epmap' END
            FROM i
            """, purpose: "writing old network rows")
        try network.bind(["count": .integer(Int64(events))])
        try network.run()
        try database.execute("UPDATE sources SET records_read = (SELECT count(*) FROM processes) + (SELECT count(*) FROM network_connections)",
                             purpose: "writing an old database")
        try database.execute("UPDATE sources SET records_loaded = records_read", purpose: "writing an old database")
    }

    /// Applies the embedded migrations before `id` to the database at `path`, after `prepare`
    /// (more old rows, say): the schema an older release left.
    static func migrate(_ path: String, before id: String, prepare: (Database) throws -> Void = { _ in }) throws {
        let database = try Database(path: path)
        try database.registerContentKeyFunction()
        try database.registerTextHashFunction()
        try prepare(database)
        try MigrationRunner(migrations: Migration.embedded.filter { $0.id < id }).migrate(database)
    }
}
