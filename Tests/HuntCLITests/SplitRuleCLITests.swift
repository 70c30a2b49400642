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
        let corpus = dir.path("corpus.ndjson")
        let generate = try HuntProcess.run(["generate", "--events", "20k", "--hosts", "7", "--output", corpus])
        XCTAssertEqual(generate.status, 0, generate.stderr)
        let db = dir.path("case.db")
        let load = try HuntProcess.run(["load", "--db", db, corpus])
        XCTAssertEqual(load.status, 0, load.stderr)
        return db
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
        try FileManager.default.createDirectory(atPath: dir.path("rules"), withIntermediateDirectories: true)
        // Part 1 of 2 fails while it runs (malformed JSON); part 0 returns rows.
        try dir.write("rules/fails_in_one_part.sql", Self.everyProcess
            .replacingOccurrences(of: "every_process_split", with: "fails_in_one_part")
            .replacingOccurrences(of: "executable FROM", with: "CASE WHEN :host_part = 1 THEN json_extract('{bad', '$') ELSE executable END AS executable FROM"))
        let failing = try HuntProcess.run(["detect", "--db", db, "--rules", dir.path("rules"), "--rule", "fails_in_one_part",
                                           "--format", "csv", "--threads", "2"])
        XCTAssertNotEqual(failing.status, 0, failing.stderr)
        XCTAssertTrue(failing.stderr.contains("fails_in_one_part"), failing.stderr)
        XCTAssertTrue(failing.stderr.contains("malformed JSON"), failing.stderr)

        try FileManager.default.removeItem(atPath: dir.path("rules/fails_in_one_part.sql"))
        try dir.write("rules/unordered.sql", Self.everyProcess
            .replacingOccurrences(of: "every_process_split", with: "unordered")
            .replacingOccurrences(of: "by ts_us, event_id", with: "by ts_us, no_such_column"))
        let unordered = try HuntProcess.run(["detect", "--db", db, "--rules", dir.path("rules"), "--rule", "unordered",
                                             "--format", "csv", "--threads", "2"])
        XCTAssertNotEqual(unordered.status, 0, unordered.stderr)
        XCTAssertTrue(unordered.stderr.contains("merged by no_such_column, which its SQL does not return"), unordered.stderr)
    }

    func testTheEnginesParameters_andAMalformedSplit_areRefused() throws {
        let dir = try TemporaryDirectory()
        let db = try Self.store(dir)
        let set = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--param", "host_part=1"])
        XCTAssertNotEqual(set.status, 0, set.stderr)
        XCTAssertTrue(set.stderr.contains("--param host_part is set by hunt"), set.stderr)

        try FileManager.default.createDirectory(atPath: dir.path("rules"), withIntermediateDirectories: true)
        try dir.write("rules/no_params.sql", Self.everyProcess
            .replacingOccurrences(of: "-- param: host_part INTEGER = NULL -- bound by the engine\n", with: ""))
        let noParams = try HuntProcess.run(["detect", "--db", db, "--rules", dir.path("rules"), "--rule", "every_process_split"])
        XCTAssertNotEqual(noParams.status, 0, noParams.stderr)
        XCTAssertTrue(noParams.stderr.contains("a split rule declares `-- param: host_part INTEGER = NULL`"), noParams.stderr)

        try dir.write("rules/no_params.sql", Self.everyProcess
            .replacingOccurrences(of: "WHERE (:host_parts IS NULL OR host_id % :host_parts = :host_part)", with: "WHERE :host_parts IS NULL"))
        let unused = try HuntProcess.run(["detect", "--db", db, "--rules", dir.path("rules"), "--rule", "every_process_split"])
        XCTAssertNotEqual(unused.status, 0, unused.stderr)
        XCTAssertTrue(unused.stderr.contains("the rule is split by hosts but its SQL never uses :host_part"), unused.stderr)

        try dir.write("rules/no_params.sql", Self.everyProcess.replacingOccurrences(of: "hosts by ts_us", with: "events by ts_us"))
        let malformed = try HuntProcess.run(["detect", "--db", db, "--rules", dir.path("rules"), "--rule", "every_process_split"])
        XCTAssertNotEqual(malformed.status, 0, malformed.stderr)
        XCTAssertTrue(malformed.stderr.contains("no_params.sql: line 5: a split reads `-- split: hosts by COLUMN"), malformed.stderr)
    }
}
