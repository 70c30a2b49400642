import XCTest
import HuntDB
import Schema
@testable import Store

/// The fields m0006 added (version resource, logon session, parent account, port names, source
/// kind, time precision): filled from every dialect, shown by the views, and added in place to a
/// database written before them.
final class EventDetailsTests: XCTestCase {
    private let detailColumns = "original_file_name, description, product, company, file_version, logon_id, logon_guid, terminal_session_id, parent_user"

    private static let versionFields: [String: Any] = [
        "OriginalFileName": "Cmd.Exe", "Description": "Windows Command Processor", "Product": "Microsoft® Windows® Operating System",
        "Company": "Microsoft Corporation", "FileVersion": "10.0.17763.1 (WinBuild.160101.0800)",
        "LogonId": "0x3e7", "LogonGuid": "{B34BC01C-0001-5F63-E703-000000000000}", "TerminalSessionId": "0",
        "ParentUser": #"NT AUTHORITY\SYSTEM"#,
    ]

    func testSysmonFlatJSON_fillsTheNewProcessAndNetworkFields() throws {
        let scratch = try Scratch()
        let file = try scratch.write("sysmon.ndjson", lines: [
            SysmonFixture.process(record: 1, ms: 123, guid: "{d273d0f0-e865-5f64-0b00-000000000800}",
                                  image: #"C:\Windows\System32\cmd.exe"#, extra: Self.versionFields),
            SysmonFixture.network(record: 2, ms: 500, extra: ["SourcePortName": "", "DestinationPortName": "epmap"]),
        ])
        let (store, report) = try scratch.load([file])
        XCTAssertEqual(report.totals.loaded, 2)
        XCTAssertEqual(try store.column("SELECT \(concatenated(detailColumns)) FROM process_events"), [
            "Cmd.Exe|Windows Command Processor|Microsoft® Windows® Operating System|Microsoft Corporation|"
                + #"10.0.17763.1 (WinBuild.160101.0800)|0x3e7|b34bc01c-0001-5f63-e703-000000000000|0|NT AUTHORITY\SYSTEM"#,
        ])
        XCTAssertEqual(try store.column("SELECT source_kind || '|' || ts_precision_us FROM process_events"), ["sysmon|1000"])
        // An empty port name is absent, not an empty string.
        XCTAssertEqual(try store.column("SELECT coalesce(source_port_name, 'NULL') || '|' || destination_port_name || '|' || source_kind FROM network_events"),
                       ["NULL|epmap|sysmon"])
    }

    func testWindowsXML_fillsTheSameFields() throws {
        let scratch = try Scratch()
        let data = Self.versionFields.sorted { $0.key < $1.key }
            .map { "<Data Name='\($0.key)'>\(($0.value as! String).replacingOccurrences(of: "&", with: "&amp;"))</Data>" }.joined()
        let xml = """
            <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID><TimeCreated SystemTime='2026-11-01T10:00:09.0000000Z'/><EventRecordID>7</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS1.corp.example</Computer></System><EventData><Data Name='UtcTime'>2026-11-01 10:00:00.250</Data><Data Name='ProcessGuid'>{d273d0f0-e865-5f64-0b00-000000000800}</Data><Data Name='Image'>C:\\Windows\\System32\\cmd.exe</Data>\(data)</EventData></Event>
            """
        let (store, report) = try scratch.load([try scratch.write("events.xml", text: xml)])
        XCTAssertEqual(report.totals.loaded, 1, "\(report.sources[0].firstRejects)")
        XCTAssertEqual(try store.column("SELECT original_file_name || '|' || company || '|' || terminal_session_id || '|' || parent_user FROM process_events"),
                       [#"Cmd.Exe|Microsoft Corporation|0|NT AUTHORITY\SYSTEM"#])
    }

    func testECS_fillsVersionResourceHashesLogonAndKind() throws {
        let scratch = try Scratch()
        let doc = #"{"@timestamp":"2026-11-01T10:00:00.250123Z","event":{"id":"e-1","category":["process"],"type":["start"]},"host":{"name":"WS1"},"process":{"entity_id":"AbC=","executable":"C:\\Windows\\System32\\cmd.exe","pe":{"original_file_name":"Cmd.Exe","company":"Microsoft Corporation","product":"Windows","description":"Command Processor","file_version":"10.0"},"hash":{"md5":"aa","sha256":"bb"},"Ext":{"authentication_id":"0x3e7"}}}"#
        let (store, report) = try scratch.load([try scratch.write("ecs.ndjson", lines: [doc])])
        XCTAssertEqual(report.totals.loaded, 1, "\(report.sources[0].firstRejects)")
        XCTAssertEqual(try store.column("SELECT \(concatenated("original_file_name, company, product, description, file_version, logon_id, hashes, source_kind, ts_precision_us")) FROM process_events"),
                       ["Cmd.Exe|Microsoft Corporation|Windows|Command Processor|10.0|0x3e7|MD5=AA,SHA256=BB|ecs|1"])
    }

    func testTimePrecision_followsTheFractionDigitsTheTimeCarried() {
        XCTAssertEqual(Timestamp.precisionMicros("2020-09-20 16:16:01"), 1_000_000)
        XCTAssertEqual(Timestamp.precisionMicros("2020-09-20 16:16:01.123"), 1_000)
        XCTAssertEqual(Timestamp.precisionMicros("2020-09-20T16:16:01.5Z"), 100_000)
        XCTAssertEqual(Timestamp.precisionMicros("2020-09-20T16:16:01.1234567Z"), 1)
        XCTAssertEqual(Timestamp.precisionMicros("2020-09-20T16:16:01+02:00"), 1_000_000)
    }

    /// A database written before m0006 upgrades in place: its rows keep their values, gain an
    /// inferred kind, and a file loaded again still deduplicates against them.
    func testDatabaseFromBeforeTheMigration_upgradesInPlaceAndStillDeduplicates() throws {
        let scratch = try Scratch()
        let file = try scratch.write("sysmon.ndjson", lines: [
            SysmonFixture.process(record: 1, ms: 0, guid: "{d273d0f0-e865-5f64-0b00-000000000800}", image: #"C:\Windows\Temp\x.exe"#,
                                  extra: Self.versionFields),
            SysmonFixture.network(record: 2, ms: 500),
        ])
        let dbPath = scratch.path("old.db")
        do {
            // The schema as m0005 left it, written by the previous binary's migration list.
            let database = try Database(path: dbPath)
            try database.registerContentKeyFunction()
            let before = Migration.embedded.filter { $0.id < "m0006" }
            try MigrationRunner(migrations: before).migrate(database)
            try database.execute("""
                INSERT INTO hosts (host_id, host_key, name) VALUES (1, 'ws1.corp.example', 'WS1.corp.example');
                INSERT INTO sources (source_id, path, format, compression, status, started_at_us) VALUES (1, 'old.ndjson', 'json:sysmon-flat', 'none', 'complete', 0);
                INSERT INTO processes (host_id, ts_us, record_key, content_key, source_id, source_record, entity_id, name)
                VALUES (1, 1793527200000000, 1, 0, 1, 1, 'd273d0f0-e865-5f64-0b00-000000000800', 'x.exe'),
                       (1, 1793527200000000, 'ecs:e-1', 0, 1, 2, 'AbC=', 'y.exe');
                UPDATE processes SET content_key = hunt_content_key(entity_id, pid, executable, command_line, working_directory, parent_entity_id, parent_pid, parent_executable, parent_command_line, user_name, user_domain, integrity_level, hashes);
                """, purpose: "writing an m0005 database")
        }
        let store = try SQLiteStore(path: dbPath)
        XCTAssertTrue(try store.column("SELECT id FROM schema_migrations ORDER BY id").contains("m0006_event_details"))
        XCTAssertEqual(try store.column("SELECT name || '|' || source_kind || '|' || ts_precision_us || '|' || coalesce(company, 'NULL') FROM process_events ORDER BY name"),
                       ["x.exe|sysmon|1000|NULL", "y.exe|ecs|1000|NULL"])

        // The same Sysmon record loaded before and after the upgrade is one event.
        let first = try Loader(store: store).load([file])
        XCTAssertEqual(first.totals.loaded, 2)
        let again = try Loader(store: store).load([file])
        XCTAssertEqual(again.totals.loaded, 0)
        XCTAssertEqual(again.totals.duplicates, 2)
    }

    private func concatenated(_ columns: String) -> String {
        columns.split(separator: ",").map { "coalesce(\($0.trimmingCharacters(in: .whitespaces)), 'NULL')" }.joined(separator: " || '|' || ")
    }
}
