import Foundation
import XCTest

/// `hunt stats` and `hunt schema` end to end.
final class AnalystStatsTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var db: String!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(removedAfter: self)
        let bad = #"{"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"WS1","UtcTime":"not a time","ProcessGuid":"{x}"}"#
        let events = try directory.write("case.ndjson", (AnalystFixture.caseLines + [bad]).joined(separator: "\n") + "\n")
        db = directory.path("case.db")
        let load = try HuntProcess.run(["load", "--db", db, "--quiet", events])
        XCTAssertEqual(load.status, 3, load.stderr)  // one reject
    }

    private func csv(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (rows: [[String]], stderr: String) {
        let result = try HuntProcess.run(arguments + ["--db", db, "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return (try RFC4180.parse(result.stdout), result.stderr)
    }

    func testStats_SummaryCountsKindsHostsAndTimeRange() throws {
        let (rows, stderr) = try csv(["stats"])
        XCTAssertEqual(rows, [
            ["kind", "events", "sysmon", "security", "ecs", "hosts", "first_ts_us", "last_ts_us"],
            ["processes", "9", "9", "0", "0", "2", AnalystFixture.iso(10), AnalystFixture.iso(200)],
            ["network_connections", "9", "9", "0", "0", "2", AnalystFixture.iso(35), AnalystFixture.iso(202)],
            ["all", "18", "18", "0", "0", "3", AnalystFixture.iso(10), AnalystFixture.iso(202)],
        ])
        XCTAssertEqual(stderr, "(3 rows)\n1 source loaded, 1 rejected record (see `hunt stats rejects`).\n")
    }

    func testStats_HostsHonourTheTimeRange() throws {
        XCTAssertEqual(try csv(["stats", "hosts"]).rows, [
            ["host", "processes", "network_connections", "logons", "service_installs", "events", "first_ts_us", "last_ts_us"],
            [AnalystFixture.dc1, "0", "5", "0", "0", "5", AnalystFixture.iso(60), AnalystFixture.iso(64)],
            [AnalystFixture.ws1, "6", "4", "0", "0", "10", AnalystFixture.iso(10), AnalystFixture.iso(202)],
            [AnalystFixture.ws2, "3", "0", "0", "0", "3", AnalystFixture.iso(15), AnalystFixture.iso(50)],
        ])
        let ranged = try csv(["stats", "hosts", "--since", AnalystFixture.iso(60), "--until", AnalystFixture.iso(100)]).rows
        XCTAssertEqual(ranged.dropFirst().map { [$0[0], $0[5]] }, [[AnalystFixture.dc1, "5"], [AnalystFixture.ws1, "1"]])
    }

    func testStats_SourcesAndRejects() throws {
        let sources = try csv(["stats", "sources"]).rows
        XCTAssertEqual(Array(sources[0].prefix(11)), ["source_id", "path", "format", "compression", "status", "size_bytes", "read",
                                                      "loaded", "duplicates", "not_relevant", "rejected"])
        XCTAssertEqual(Array(sources[1][6...10]), ["19", "18", "0", "0", "1"])
        XCTAssertEqual(Array(sources[0][11...13]), ["incomplete", "truncated", "colliding"])
        let started = try XCTUnwrap(sources[0].firstIndex(of: "started_at_us"))
        XCTAssertTrue(sources[1][started].hasSuffix("Z"), "started_at_us prints as ISO-8601")
        let rejects = try csv(["stats", "rejects"]).rows
        XCTAssertEqual(rejects.count, 2)
        XCTAssertEqual(rejects[1][3], "1")
        XCTAssertEqual(rejects[1][4], "19")
        let misuse = try HuntProcess.run(["stats", "sources", "--db", db, "--since", "1d"])
        XCTAssertEqual(misuse.status, 64)
    }

    func testStats_EveryFormatStreamsTheSameRows() throws {
        for format in ["table", "json", "ndjson"] {
            let result = try HuntProcess.run(["stats", "hosts", "--db", db, "--format", format])
            XCTAssertEqual(result.status, 0)
            XCTAssertTrue(result.stdout.contains(AnalystFixture.ws2), format)
            XCTAssertEqual(result.stderr, "(3 rows)\n", format)
        }
    }

    func testSchema_DescribesEveryTableViewAndColumn() throws {
        let (rows, _) = try csv(["schema"])
        XCTAssertEqual(rows[0], ["object", "kind", "column", "type", "description"])
        XCTAssertTrue(rows.dropFirst().allSatisfy { !$0[4].isEmpty }, "every row has a description")
        XCTAssertTrue(rows.contains(["process_events", "view", "time", "", "When the process started, ISO-8601 UTC with milliseconds."]))
        XCTAssertTrue(rows.contains(["hosts", "table", "name", "TEXT NOT NULL", "The host's name as the first event gave it (Sysmon Computer, ECS host.name)."]))
        let one = try csv(["schema", "network_events"]).rows
        XCTAssertTrue(one.dropFirst().allSatisfy { $0[0] == "network_events" })
        let none = try HuntProcess.run(["schema", "nope", "--db", db])
        XCTAssertEqual(none.status, 64)
        XCTAssertTrue(none.stderr.contains("No table or view \"nope\"."), none.stderr)
    }
}
