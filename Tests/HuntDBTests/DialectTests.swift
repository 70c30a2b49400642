import XCTest
import HuntDB

/// Each input dialect, read through the whole loader, gives the same canonical rows.
final class DialectTests: XCTestCase {
    /// The canonical process row every dialect below describes.
    private func assertCanonicalProcess(_ store: SQLiteStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let row = try store.column("""
            SELECT h.name || '|' || p.ts_us || '|' || p.entity_id || '|' || p.executable || '|' || p.name || '|' ||
                   p.args || '|' || p.parent_entity_id || '|' || p.parent_name || '|' || p.user_domain || '|' || p.user_name
            FROM processes p JOIN hosts h USING (host_id)
            """)
        XCTAssertEqual(row, [
            #"WS1.corp.example|1793527200250000|d273d0f0-e865-5f64-0b00-000000000800|C:\Windows\Temp\x.exe|x.exe|["C:\\Windows\\Temp\\x.exe","/q"]|b34bc01c-0001-5f63-0100-000000000400|services.exe|CORP|alice"#,
        ], file: file, line: line)
    }

    private func load(_ text: String, name: String = "in.json", format: InputFormat = .auto) throws -> (SQLiteStore, LoadReport, Scratch) {
        let scratch = try Scratch()
        let path = try scratch.write(name, text: text)
        var options = LoadOptions()
        options.format = format
        let (store, report) = try scratch.load([path], options: options)
        return (store, report, scratch)
    }

    func testSysmonFlat_ndjson() throws {
        let line = SysmonFixture.process(record: 7, ms: 250, guid: "{D273D0F0-E865-5F64-0B00-000000000800}",
                                         image: #"C:\Windows\Temp\x.exe"#, commandLine: #"C:\Windows\Temp\x.exe /q"#, user: #"CORP\alice"#)
        let (store, report, _) = try load(line + "\n")
        XCTAssertEqual(report.totals.loaded, 1)
        XCTAssertEqual(report.sources[0].format, "ndjson:sysmon-flat")
        try assertCanonicalProcess(store)
    }

    func testWinlogbeat_eventDataWithECSFallbacks() throws {
        // Winlogbeat's Sysmon module moves Image, ProcessGuid … to ECS fields; the loader falls back to them.
        let doc = #"""
        {"@timestamp":"2026-11-01T10:00:00.250Z","host":{"name":"ws1"},"winlog":{"event_id":"1","channel":"Microsoft-Windows-Sysmon/Operational","provider_name":"Microsoft-Windows-Sysmon","record_id":7,"computer_name":"WS1.corp.example","event_data":{"UtcTime":"2026-11-01 10:00:00.250","User":"CORP\\alice","IntegrityLevel":"High"}},"process":{"entity_id":"{d273d0f0-e865-5f64-0b00-000000000800}","executable":"C:\\Windows\\Temp\\x.exe","command_line":"C:\\Windows\\Temp\\x.exe /q","parent":{"entity_id":"{b34bc01c-0001-5f63-0100-000000000400}","executable":"C:\\Windows\\System32\\services.exe"}}}
        """#
        let (store, report, _) = try load(doc + "\n")
        XCTAssertEqual(report.totals.loaded, 1, "\(report.sources[0].firstRejects)")
        XCTAssertEqual(report.sources[0].format, "ndjson:winlogbeat")
        try assertCanonicalProcess(store)
    }

    func testEvtxDumpJSON_prettyPrintedWithRecordHeaders() throws {
        let doc = #"""
        Record 7
        {
          "Event": {
            "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
            "System": {
              "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}},
              "EventID": 1,
              "TimeCreated": {"#attributes": {"SystemTime": "2026-11-01T10:00:09.000000Z"}},
              "EventRecordID": 7,
              "Channel": "Microsoft-Windows-Sysmon/Operational",
              "Computer": "WS1.corp.example"
            },
            "EventData": {
              "UtcTime": "2026-11-01 10:00:00.250",
              "ProcessGuid": "D273D0F0-E865-5F64-0B00-000000000800",
              "Image": "C:\\Windows\\Temp\\x.exe",
              "CommandLine": "C:\\Windows\\Temp\\x.exe /q",
              "User": "CORP\\alice",
              "ParentProcessGuid": "B34BC01C-0001-5F63-0100-000000000400",
              "ParentImage": "C:\\Windows\\System32\\services.exe"
            }
          }
        }
        """#
        let (store, report, _) = try load(doc + "\n")
        XCTAssertEqual(report.totals.read, 1)
        XCTAssertEqual(report.totals.loaded, 1, "\(report.sources[0].firstRejects)")
        XCTAssertEqual(report.sources[0].format, "json:evtx-json")
        try assertCanonicalProcess(store)
    }

    func testECS_elasticDefendProcessStart() throws {
        let doc = #"""
        {"@timestamp":"2026-11-01T10:00:00.250Z","event":{"id":"e-1","category":["process"],"type":["start"],"action":"start"},"host":{"id":"H-1","name":"WS1.corp.example"},"process":{"entity_id":"{d273d0f0-e865-5f64-0b00-000000000800}","executable":"C:\\Windows\\Temp\\x.exe","args":["C:\\Windows\\Temp\\x.exe","/q"],"command_line":"C:\\Windows\\Temp\\x.exe /q","parent":{"entity_id":"{b34bc01c-0001-5f63-0100-000000000400}","executable":"C:\\Windows\\System32\\services.exe"}},"user":{"name":"alice","domain":"CORP"}}
        {"@timestamp":"2026-11-01T10:00:01Z","event":{"id":"e-2","category":["process"],"type":["end"]},"host":{"id":"H-1","name":"WS1"},"process":{"entity_id":"x"}}
        {"@timestamp":"2026-11-01T10:00:01Z","event":{"id":"e-3","category":["file"],"type":["creation"]},"host":{"id":"H-1","name":"WS1"}}
        """#
        let (store, report, _) = try load(doc + "\n")
        XCTAssertEqual(report.totals.read, 3)
        XCTAssertEqual(report.totals.loaded, 1)
        XCTAssertEqual(report.totals.notRelevant, 2)
        try assertCanonicalProcess(store)
        XCTAssertEqual(try store.column("SELECT host_key || '|' || ecs_host_id FROM hosts"), ["id:h-1|H-1"])
    }

    func testECS_flattenedDottedKeysAndNetworkDirection() throws {
        let doc = #"{"@timestamp":"2026-11-01T10:00:00Z","event.id":"n-1","event.category":"network","event.type":["start"],"host.name":"WS1","process.entity_id":"AbC=","process.executable":"C:\\Windows\\System32\\services.exe","network.transport":"TCP","network.direction":"ingress","source.ip":"10.1.1.1","source.port":"50001","destination.ip":"10.1.1.2","destination.port":49700}"#
        let (store, report, _) = try load(doc + "\n")
        XCTAssertEqual(report.totals.loaded, 1, "\(report.sources[0].firstRejects)")
        XCTAssertEqual(try store.column("SELECT entity_id || '|' || name || '|' || transport || '|' || direction || '|' || source_port || '|' || destination_port FROM network_connections"),
                       ["AbC=|services.exe|tcp|incoming|50001|49700"])
    }

    func testElasticsearchHits_andArrays() throws {
        let record = SysmonFixture.process(record: 7, ms: 250, guid: "{D273D0F0-E865-5F64-0B00-000000000800}",
                                           image: #"C:\Windows\Temp\x.exe"#, commandLine: #"C:\Windows\Temp\x.exe /q"#, user: #"CORP\alice"#)
        let hits = #"{"took":3,"hits":{"total":{"value":1},"hits":[{"_index":"i","_id":"1","_source":"# + record + "}]}}"
        var (store, report, _) = try load(hits)
        XCTAssertEqual(report.totals.loaded, 1, "\(report.sources[0].firstRejects)")
        try assertCanonicalProcess(store)

        let array = "[\n  " + record + ",\n  {\"_source\": " + record + "}\n]\n"
        (store, report, _) = try load(array)
        XCTAssertEqual(report.totals.read, 2)
        XCTAssertEqual(report.totals.loaded, 1)
        XCTAssertEqual(report.totals.duplicates, 1, "the same record wrapped in _source is the same event")
        try assertCanonicalProcess(store)
    }

    func testWindowsXML_eventsRootAndEntities() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Events>
        <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>1</EventID><TimeCreated SystemTime='2026-11-01T10:00:09.0000000Z'/><EventRecordID>7</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS1.corp.example</Computer></System><EventData><Data Name='UtcTime'>2026-11-01 10:00:00.250</Data><Data Name='ProcessGuid'>{d273d0f0-e865-5f64-0b00-000000000800}</Data><Data Name='Image'>C:\\Windows\\Temp\\x.exe</Data><Data Name='CommandLine'>C:\\Windows\\Temp\\x.exe /q</Data><Data Name='User'>CORP\\alice</Data><Data Name='ParentProcessGuid'>{b34bc01c-0001-5f63-0100-000000000400}</Data><Data Name='ParentImage'>C:\\Windows\\System32\\services.exe</Data></EventData></Event>
        <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>11</EventID><EventRecordID>8</EventRecordID><Computer>WS1</Computer></System><EventData><Data Name='TargetFilename'>a &amp; b &lt;c&gt; &#x41;</Data></EventData></Event>
        </Events>
        """
        let (store, report, _) = try load(xml, name: "events.xml")
        XCTAssertEqual(report.sources[0].format, "xml")
        XCTAssertEqual(report.totals.read, 2)
        XCTAssertEqual(report.totals.loaded, 1)
        XCTAssertEqual(report.totals.notRelevant, 1)
        try assertCanonicalProcess(store)
    }

    func testWindowsXML_doctypeAndUndefinedEntitiesAreRejectedNotExpanded() throws {
        let xml = """
        <!DOCTYPE Event [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa">]>
        <Event><System><EventID>1</EventID><Computer>&xxe;</Computer></System></Event>
        <Event><System><EventID>1</EventID><Computer>&a;&a;&a;</Computer></System></Event>
        """
        let (store, report, _) = try load(xml, name: "evil.xml")
        XCTAssertEqual(report.totals.read, 2)
        XCTAssertEqual(report.totals.rejected, 2)
        XCTAssertTrue(report.sources[0].firstRejects.allSatisfy { $0.reason.contains("undefined entity") }, "\(report.sources[0].firstRejects)")
        XCTAssertEqual(try store.count("processes"), 0)
    }

    func testSysmonNetwork_ipv6ExpandedAndInitiated() throws {
        let line = SysmonFixture.network(record: 9, ms: 0, sourceIp: "0:0:0:0:0:0:0:1", sourcePort: 50000,
                                         destinationIp: "FE80:0:0:0:0:0:0:2", destinationPort: 135)
        let (store, _, _) = try load(line + "\n")
        XCTAssertEqual(try store.column("SELECT source_ip || '|' || destination_ip || '|' || direction || '|' || transport || '|' || entity_id FROM network_connections"),
                       ["::1|fe80::2|incoming|tcp|b34bc01c-0001-5f63-0100-000000000400"])
    }
}
