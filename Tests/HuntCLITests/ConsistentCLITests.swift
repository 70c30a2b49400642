import Foundation
import XCTest

/// One way to name the database everywhere, "did you mean" for commands, and the outputs for
/// Excel and Timesketch.
final class ConsistentCLITests: XCTestCase {
    private func loaded() throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("e.json", ReportCLITests.events)]).status, 0)
        return (dir, db)
    }

    func testDb_acceptedBeforeTheSubcommandAndByRulesAndQueryList() throws {
        let (dir, db) = try loaded()
        defer { withExtendedLifetime(dir) {} }
        let before = try HuntProcess.run(["--db", db, "detect", "--rule", "remote_service_rpc", "--format", "csv"])
        XCTAssertEqual(before.status, 2, before.stderr)
        XCTAssertTrue(try HuntProcess.run(["--db=\(db)", "stats"]).status == 0)
        let rules = try HuntProcess.run(["--db", db, "rules", "--format", "csv"])
        XCTAssertEqual(rules.status, 0, rules.stderr)
        XCTAssertTrue(rules.stdout.contains("remote_service_rpc,medium,\"T1021, T1569.002\",2 of 2 hosts"), rules.stdout)
        let fromEnvironment = try HuntProcess.run(["rules", "--format", "csv"], environment: ["HUNT_DB": db])
        XCTAssertTrue(fromEnvironment.stdout.contains("can_fire_on"), fromEnvironment.stdout)
        XCTAssertEqual(try HuntProcess.run(["query", "list", "--db", db]).status, 0)
        XCTAssertEqual(try HuntProcess.run(["--db", db, "query", "list"]).status, 0)
    }

    func testMistypedCommand_saysDidYouMean() throws {
        let typo = try HuntProcess.run(["detetc", "--db", "x.db"])
        XCTAssertEqual(typo.status, 64)
        XCTAssertTrue(typo.stderr.contains("unknown command 'detetc'. Did you mean 'detect'?"), typo.stderr)
        let nested = try HuntProcess.run(["query", "rnu", "process_tree"])
        XCTAssertEqual(nested.status, 64)
        XCTAssertTrue(nested.stderr.contains("Did you mean 'run'?"), nested.stderr)
    }

    func testExcel_csvWithAByteOrderMarkAndTheFormulaGuard() throws {
        let (dir, db) = try loaded()
        defer { withExtendedLifetime(dir) {} }
        let excel = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--host", "WS6", "--excel"])
        XCTAssertEqual(Array(excel.stdoutData.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 byte order mark")
        XCTAssertTrue(excel.stdout.contains("rule_id,rule_name"))
        XCTAssertEqual(try HuntProcess.run(["detect", "--db", db, "--excel", "--csv-raw"]).status, 64, "the guard stays on")
        let plain = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "csv"])
        XCTAssertEqual(plain.stdoutData.first, UInt8(ascii: "r"), "plain CSV has no mark")
    }

    func testTimesketch_jsonlWithMessageDatetimeAndDescription() throws {
        let (dir, db) = try loaded()
        defer { withExtendedLifetime(dir) {} }
        let sketch = try HuntProcess.run(["detect", "--db", db, "--format", "timesketch"])
        XCTAssertEqual(sketch.status, 2, sketch.stderr)
        let lines = sketch.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 8)
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertFalse((object["message"] as? String ?? "").isEmpty)
            XCTAssertNotNil(object["datetime"] as? String)
            XCTAssertNotNil(object["timestamp"] as? Int)
            XCTAssertNotNil(object["timestamp_desc"] as? String)
            XCTAssertNotNil(object["rule_id"] as? String, "the alert's keys come along")
        }
        let first = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(first["datetime"] as? String, first["process_time"] as? String ?? first["network_time"] as? String)
    }

    /// The parser wraps a line longer than the screen onto a line of its own at column 0: an
    /// indented line (an example, a list) followed by an unindented one was cut.
    func testHelp_indentedLinesAreNotWrapped() throws {
        for command in [["detect"], ["report"], ["query"], ["sql"], ["load"], ["stats"], ["rules"], ["coverage"], ["demo"],
                        ["generate"], ["check"], ["schema"], ["sigma"], ["sigma", "check"], []] {
            let help = try HuntProcess.run(command + ["--help"])
            let text = help.stdout.components(separatedBy: "USAGE:")[0]
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated().dropLast() where line.hasPrefix("  ") {
                let next = lines[index + 1]
                XCTAssertTrue(next.isEmpty || next.hasPrefix(" "), "hunt \(command.joined(separator: " ")) --help: wrapped after \"\(line)\": \"\(next)\"")
            }
        }
    }
}
