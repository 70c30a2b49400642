import Foundation
import XCTest

/// A rule alone with `-- split: hosts by …` runs in parts by host on `--threads` connections,
/// and the merged output is the output of one whole run, byte for byte and in order.
final class SplitRuleCLITests: XCTestCase {
    /// A split rule with a row per process start (far more rows than a part's queue holds), in
    /// the order of their time and event id.
    private static let everyProcess = """
        -- id: every_process_split
        -- name: Every process start, split by host
        -- param: host_parts INTEGER = NULL -- bound by the engine
        -- param: host_part INTEGER = NULL -- bound by the engine
        -- split: hosts by ts_us, event_id
        -- column: ts_us INTEGER -- the start
        -- column: event_id INTEGER -- the event
        -- column: executable TEXT -- the image
        SELECT host, ts_us, event_id, executable FROM process_events
        WHERE (:host_parts IS NULL OR host_id % :host_parts = :host_part)
        ORDER BY ts_us, event_id;
        """

    private static func store(_ dir: TemporaryDirectory) throws -> String {
        try GeneratedStore.make(in: dir, hosts: 7)
    }

    /// Writes `text` as the only rule file of `dir`/rules and runs it alone on two threads.
    private static func detect(_ text: String, id: String, db: String, in dir: TemporaryDirectory) throws -> HuntProcess.Result {
        let rules = dir.path("rules")
        try? FileManager.default.removeItem(atPath: rules)
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try dir.write("rules/\(id).sql", text)
        return try HuntProcess.run(["detect", "--db", db, "--rules", rules, "--rule", id, "--format", "csv", "--threads", "2"])
    }

    private static func summary(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.contains(" suppressed by the allowlist") }.map { String($0.prefix { $0 != "(" }) }
    }

    func testRemoteServiceRPC_inParts_givesTheWholeRunsAlertsAndCounts() throws {
        let dir = try TemporaryDirectory()
        let db = try Self.store(dir)
        for extra in [[], ["--show-suppressed"]] {
            let args = ["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "ndjson"] + extra
            let one = try HuntProcess.run(args + ["--threads", "1"])
            XCTAssertEqual(one.status, 2, one.stderr)
            let alerts = one.stdout.split(separator: "\n").count
            XCTAssertGreaterThan(alerts, 0, "the generated corpus plants remote service starts")
            let counts = Self.summary(one.stderr)
            XCTAssertEqual(counts.count, 1, one.stderr)
            XCTAssertFalse(counts[0].contains(" 0 suppressed"), "the allowlist suppresses some: \(counts)")
            for threads in ["2", "3", "8"] {
                let parts = try HuntProcess.run(args + ["--threads", threads])
                XCTAssertEqual(parts.status, 2, parts.stderr)
                XCTAssertEqual(parts.stdout, one.stdout, "--threads \(threads) \(extra): the same alerts in the same order")
                XCTAssertEqual(Self.summary(parts.stderr), counts, "--threads \(threads) \(extra): the same counts")
            }
        }
    }

    func testManyRows_mergeInTheRulesOrder() throws {
        let dir = try TemporaryDirectory()
        let db = try Self.store(dir)
        try FileManager.default.createDirectory(atPath: dir.path("rules"), withIntermediateDirectories: true)
        try dir.write("rules/every_process_split.sql", Self.everyProcess)
        let args = ["detect", "--db", db, "--rules", dir.path("rules"), "--rule", "every_process_split", "--format", "ndjson"]
        let one = try HuntProcess.run(args + ["--threads", "1"])
        XCTAssertEqual(one.status, 2, one.stderr)
        let lines = one.stdout.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 3000, "thousands of rows pass through each part's queue")
        let hosts = Set(lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["host"] as? String
        })
        XCTAssertEqual(hosts.count, 7, "every host's rows are there")
        for threads in ["2", "4"] {
            let parts = try HuntProcess.run(args + ["--threads", threads])
            XCTAssertEqual(parts.status, 2, parts.stderr)
            XCTAssertEqual(parts.stdout, one.stdout, "--threads \(threads): the same rows in the same order")
        }
    }

    func testAPartsFailure_isTheRulesFailure_andAMissingOrderColumnIsNamed() throws {
        let dir = try TemporaryDirectory()
        let db = try Self.store(dir)
        // Part 1 of 2 fails while it runs (malformed JSON); part 0 returns rows.
        let failing = try Self.detect(Self.everyProcess.replacingOccurrences(
            of: "executable FROM", with: "CASE WHEN :host_part = 1 THEN json_extract('{bad', '$') ELSE executable END AS executable FROM"),
            id: "every_process_split", db: db, in: dir)
        XCTAssertNotEqual(failing.status, 0, failing.stderr)
        XCTAssertTrue(failing.stderr.contains("every_process_split"), failing.stderr)
        XCTAssertTrue(failing.stderr.contains("malformed JSON"), failing.stderr)

        let unordered = try Self.detect(Self.everyProcess.replacingOccurrences(of: "by ts_us, event_id", with: "by ts_us, no_such_column"),
                                        id: "every_process_split", db: db, in: dir)
        XCTAssertNotEqual(unordered.status, 0, unordered.stderr)
        XCTAssertTrue(unordered.stderr.contains("merged by no_such_column, which its SQL does not return"), unordered.stderr)
    }

    func testTheEnginesParameters_andAMalformedSplit_areRefused() throws {
        let dir = try TemporaryDirectory()
        let db = try Self.store(dir)
        let set = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--param", "host_part=1"])
        XCTAssertNotEqual(set.status, 0, set.stderr)
        XCTAssertTrue(set.stderr.contains("--param host_part is set by hunt"), set.stderr)

        let refusals = [
            ("-- param: host_part INTEGER = NULL -- bound by the engine\n", "",
             "a split rule declares `-- param: host_part INTEGER = NULL`"),
            ("WHERE (:host_parts IS NULL OR host_id % :host_parts = :host_part)", "WHERE :host_parts IS NULL",
             "the rule is split by hosts but its SQL never uses :host_part"),
            ("hosts by ts_us", "events by ts_us",
             "every_process_split.sql: line 5: a split reads `-- split: hosts by COLUMN"),
        ]
        for (original, replacement, message) in refusals {
            let run = try Self.detect(Self.everyProcess.replacingOccurrences(of: original, with: replacement),
                                      id: "every_process_split", db: db, in: dir)
            XCTAssertNotEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stderr.contains(message), "\(message): \(run.stderr)")
        }
    }
}
