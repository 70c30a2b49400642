import Foundation
import XCTest

/// Zero rows must mean "nothing there", never "you typed it differently": unknown hosts are
/// errors with near matches, `--host` means the same everywhere, and an empty time range says
/// what the database holds.
final class NoSilentZeroCLITests: XCTestCase {
    private func loaded() throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("e.json", ReportCLITests.events)]).status, 0)
        return (dir, db)
    }

    func testUnknownHost_isAnErrorNamingNearMatches() throws {
        let (dir, db) = try loaded()
        defer { withExtendedLifetime(dir) {} }
        for command in [["detect"], ["stats", "hosts"], ["coverage"], ["query", "run", "services_children"], ["report", "-o", dir.path("r.html")]] {
            let typo = try HuntProcess.run(command + ["--db", db, "--host", "WS66"])
            XCTAssertEqual(typo.status, 1, "\(command): \(typo.stderr)")
            XCTAssertTrue(typo.stderr.contains(#"no host "WS66" in \#(db)"#), "\(command): \(typo.stderr)")
            XCTAssertTrue(typo.stderr.contains("did you mean WS6.corp.example"), "\(command): \(typo.stderr)")
        }
        let unknown = try HuntProcess.run(["detect", "--db", db, "--host", "SRV-9999"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("lists all 2."), unknown.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("r.html")), "no report for a host that is not there")
    }

    func testHost_meansTheSameInDetectQueryAndSql() throws {
        let (dir, db) = try loaded()
        defer { withExtendedLifetime(dir) {} }
        for host in ["WS6", "ws6.CORP.example"] {
            let detect = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--host", host, "--format", "csv"])
            XCTAssertEqual(detect.status, 2, detect.stderr)
            let sql = try HuntProcess.run(["sql", "--db", db, "SELECT count(*) AS n FROM process_events WHERE host = :host", "--host", host, "--format", "csv"])
            XCTAssertEqual(sql.stdout, "n\r\n2\r\n", "\(host): \(sql.stderr)")
            let query = try HuntProcess.run(["query", "run", "services_children", "--db", db, "--host", host, "--format", "csv"])
            XCTAssertEqual(query.status, 0, query.stderr)
            XCTAssertTrue(query.stdout.contains("WS6.corp.example") && !query.stdout.contains("WS7"), query.stdout)
        }
    }

    func testEmptyTimeRange_saysWhatTheDatabaseHolds() throws {
        let (dir, db) = try loaded()
        defer { withExtendedLifetime(dir) {} }
        let recent = try HuntProcess.run(["detect", "--db", db, "--since", "7d"])
        XCTAssertEqual(recent.status, 0)
        XCTAssertTrue(recent.stderr.contains("the database holds events from 2020-09-20T16:16:56.019Z to 2020-09-21T10:00:00.500Z"), recent.stderr)
        let ofHost = try HuntProcess.run(["stats", "hosts", "--db", db, "--host", "WS7", "--until", "2020-09-01"])
        XCTAssertTrue(ofHost.stderr.contains("no events of WS7.corp.example in the range given"), ofHost.stderr)
    }

    func testTimes_withoutSecondsAndDatesAlone() throws {
        let (dir, db) = try loaded()
        defer { withExtendedLifetime(dir) {} }
        for (since, alerts) in [("2020-09-20T16:16", 8), ("2020-09-20 16:17", 5), ("2020-09-21", 5), ("2020-09-21T10:00Z", 5),
                                ("2020-09-21T12:00+02:00", 5), ("2020-09-21T10:01", 0)] {
            let detect = try HuntProcess.run(["detect", "--db", db, "--since", since, "--format", "ndjson"])
            XCTAssertNotEqual(detect.status, 1, "\(since): \(detect.stderr)")
            XCTAssertEqual(detect.stdout.split(separator: "\n").count, alerts, "\(since): \(detect.stderr)")
        }
    }
}
