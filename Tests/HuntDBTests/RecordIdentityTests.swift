import Foundation
import XCTest
import HuntDB
@testable import Store

/// A record's identity is host, record key, time and content: the content key the loader
/// computes is the one the schema migration computes in SQL, so keys of rows stored before the
/// migration and of rows loaded after it agree.
final class RecordIdentityTests: XCTestCase {
    func testContentKey_theLoaderAndTheSQLFunctionAgreeOnEveryStoredRow() throws {
        let scratch = try Scratch()
        let lines = [
            SysmonFixture.network(record: 1, ms: 0),
            SysmonFixture.network(record: 2, ms: 5, sourceIp: "fe80::1%12", sourcePort: 445),
            SysmonFixture.process(record: 3, ms: 10, guid: "c0000000-0000-0000-0000-000000000001", image: #"C:\Windows\é.exe"#,
                                  commandLine: #""C:\Windows\é.exe" /x 😀"#),
            SysmonFixture.process(record: 4, ms: 11, guid: "c0000000-0000-0000-0000-000000000002", image: #"C:\Windows\a.exe"#,
                                  extra: ["CurrentDirectory": NSNull(), "Hashes": "SHA256=AB"]),
        ]
        let (store, report) = try scratch.load([try scratch.write("events.json", lines: lines)])
        XCTAssertEqual(report.totals.loaded, 4)
        let mismatches = try store.database.scalarInt("""
            SELECT (SELECT count(*) FROM processes WHERE content_key <> hunt_content_key(entity_id, pid, executable, command_line,
                        working_directory, parent_entity_id, parent_pid, parent_executable, parent_command_line, user_name,
                        user_domain, integrity_level, hashes))
                 + (SELECT count(*) FROM network_connections WHERE content_key <> hunt_content_key(entity_id, pid, executable,
                        user_name, user_domain, transport, direction, source_ip, source_port, source_hostname, destination_ip,
                        destination_port, destination_hostname))
            """, purpose: "comparing content keys")
        XCTAssertEqual(mismatches, 0)
    }

    func testContentKey_tellsMissingFromEmptyAndOrderMatters() {
        func key(_ build: (inout ContentKey) -> Void) -> Int64 {
            var key = ContentKey()
            build(&key)
            return key.value
        }
        XCTAssertNotEqual(key { $0.addNull() }, key { $0.add("") })
        XCTAssertNotEqual(key { $0.add("ab"); $0.add("c") }, key { $0.add("a"); $0.add("bc") })
        XCTAssertNotEqual(key { $0.add(Int64(1)) }, key { $0.add("1") })
        XCTAssertEqual(key { $0.add("services.exe"); $0.add(Int64(700)) }, key { $0.add("services.exe"); $0.add(Int64(700)) })
    }
}
