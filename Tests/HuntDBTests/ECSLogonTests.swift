import Foundation
import XCTest
import HuntDB

/// Elastic Defend's native logons (ECS, `logs-endpoint.events.security-*`: `event.action:
/// log_on`, the session in `process.Ext.session_info.*`) are stored as logons and give a
/// remote-service alert its logon context like a Security 4624; logoffs are not relevant, a
/// failure is a 4625, a bad logon type is rejected with the field named.
final class ECSLogonTests: XCTestCase {
    typealias F = SecurityFixture
    typealias C = ContextFixture

    private func logon(id: String, ms: Int, user: String = "alice", client: String = "10.0.0.5", port: Int = 50123,
                       type: String = "Network", action: String = "log_on", outcome: String = "success",
                       eventType: String = "start") -> String {
        let document: [String: Any] = [
            "@timestamp": Timestamp.iso8601(micros: F.at(ms)),
            "event": ["id": id, "category": ["authentication", "session"], "type": [eventType], "action": action,
                      "outcome": outcome, "kind": "event", "module": "endpoint", "dataset": "endpoint.events.security"],
            "host": ["name": F.host, "os": ["family": "windows"]],
            "user": ["name": user, "domain": "CORP"],
            "source": ["ip": client, "port": port],
            "process": ["pid": 720, "name": "lsass.exe", "executable": #"C:\Windows\System32\lsass.exe"#,
                        "Ext": ["session_info": ["logon_type": type, "client_address": client, "id": 43_584_791,
                                                 "authentication_package": "Kerberos"]]],
        ]
        let data = try! JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    func testDefendLogons_areStoredWithTheirSession_logoffsAreNot() throws {
        let scratch = try Scratch()
        let path = try scratch.write("defend.ndjson", lines: [
            logon(id: "a1", ms: 600_150),
            logon(id: "a2", ms: 600_160, user: "bob", client: "10.0.0.7", port: 50200, type: "RemoteInteractive"),
            logon(id: "a3", ms: 600_170, user: "mallory", outcome: "failure"),
            logon(id: "a4", ms: 600_180, action: "log_off", eventType: "end"),
            logon(id: "a5", ms: 600_190, type: "Teleport"),
        ])
        let (store, report) = try scratch.load([path])
        XCTAssertEqual(report.totals.read, 5)
        XCTAssertEqual(report.totals.loaded, 3)
        XCTAssertEqual(report.totals.notRelevant, 1)
        XCTAssertEqual(report.totals.rejected, 1)
        XCTAssertEqual(report.sources.first?.firstRejects.map(\.reason),
                       [#"process.Ext.session_info.logon_type "Teleport" is not a Windows logon type"#])
        XCTAssertEqual(try store.column("""
            SELECT event_code || '|' || outcome || '|' || logon_type || '|' || user_domain || '\\' || user_name || '|'
                || logon_id || '|' || source_ip || ':' || source_port || '|' || auth_package || '|' || source_kind || '|' || record_key
            FROM logons ORDER BY ts_us
            """), [
                "4624|success|3|CORP\\alice|0x2990d17|10.0.0.5:50123|Kerberos|ecs|ecs:a1",
                "4624|success|10|CORP\\bob|0x2990d17|10.0.0.7:50200|Kerberos|ecs|ecs:a2",
                "4625|failure|3|CORP\\mallory|0x2990d17|10.0.0.5:50123|Kerberos|ecs|ecs:a3",
            ])
    }

    func testDefendLogon_givesTheRemoteServiceAlertItsLogonContext() throws {
        // The Security 4624 of the story comes from another address: only the ECS logon matches.
        let scratch = try Scratch()
        let story = C.story(logon: C.logon(record: 20, ms: 600_150, from: "10.0.0.77"))
        let xml = try scratch.write("story.xml", text: "<Events>" + story.map(F.xml).joined(separator: "\n") + "</Events>")
        let defend = try scratch.write("defend.ndjson", lines: [logon(id: "a1", ms: 600_100, user: "carol")])
        let (store, report) = try scratch.load([xml, defend])
        XCTAssertEqual(report.totals.rejected, 0, "\(report.sources.map(\.firstRejects))")
        let alert = try XCTUnwrap(try DetectionHarness(store: store).alerts("remote_service_rpc").first)
        XCTAssertEqual(alert.text("logon_user"), "carol")
        XCTAssertEqual(alert.text("logon_ip"), "10.0.0.5")
        XCTAssertEqual(alert.integer("logon_type"), 3)
        // Near miss: a Defend logon from another client address gives nothing.
        let scratch2 = try Scratch()
        let xml2 = try scratch2.write("story.xml", text: "<Events>" + story.map(F.xml).joined(separator: "\n") + "</Events>")
        let other = try scratch2.write("defend.ndjson", lines: [logon(id: "a1", ms: 600_100, user: "carol", client: "10.0.0.8")])
        let (store2, _) = try scratch2.load([xml2, other])
        let missed = try XCTUnwrap(try DetectionHarness(store: store2).alerts("remote_service_rpc").first)
        XCTAssertNil(missed.text("logon_user"))
    }
}
