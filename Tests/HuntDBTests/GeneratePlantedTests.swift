import Foundation
import XCTest
import HuntDB
@testable import Store
@testable import Generate

final class GeneratePlantedTests: XCTestCase {
    func testGeneratePlanted_truePositivesAreInTheStoreWithTheirDeltaAndLinkage() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 5_000, seed: 21, planted: 3, irrelevantRatio: 0.2)
        for dialect in [CorpusDialect.sysmonFlat, .ecs] {
            let corpus = try scratch.generate(dialect, options: options, name: "c.\(dialect.rawValue)")
            let (store, _) = try scratch.load([corpus.path], db: "\(dialect.rawValue).db")
            let truePositives = corpus.summary.planted(.truePositive)
            XCTAssertEqual(truePositives.count, 3)
            for tp in truePositives {
                XCTAssertTrue((50...950).contains(tp.deltaMilliseconds))
                let rows = try store.rows("""
                    SELECT h.name, n.ts_us, p.ts_us, p.ts_us - n.ts_us, n.source_port, n.destination_port, n.direction, n.transport, p.executable
                    FROM network_connections AS n
                    JOIN processes AS p ON p.host_id = n.host_id AND p.parent_entity_id = n.entity_id
                    JOIN hosts AS h ON h.host_id = n.host_id
                    WHERE n.entity_id = '\(PlantedCase.entityID(tp.services, for: dialect))'
                      AND p.entity_id = '\(PlantedCase.entityID(tp.child, for: dialect))'
                      AND n.ts_us = \(tp.networkMicros)
                    """)
                XCTAssertEqual(rows.count, 1, "\(dialect.rawValue): the planted connection and child are linked in the store")
                guard let row = rows.first else { continue }
                XCTAssertEqual(row[0], .text(tp.hostName(tp.host, for: dialect)))
                XCTAssertEqual(row[2], .integer(tp.childMicros))
                XCTAssertEqual(row[3], .integer(tp.deltaMilliseconds * 1000))
                guard case .integer(let sourcePort) = row[4], case .integer(let destinationPort) = row[5] else { return XCTFail("ports") }
                XCTAssertGreaterThanOrEqual(sourcePort, 49152)
                XCTAssertGreaterThanOrEqual(destinationPort, 49152)
                XCTAssertEqual(row[6], .text("incoming"))
                XCTAssertEqual(row[7], .text("tcp"))
                XCTAssertEqual(row[8], .text(tp.child.image))
            }
        }
    }

    func testGeneratePlanted_detectionPairsAreExactlyTheTruePositives() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 20_000, hosts: 12, seed: 33, planted: 4, irrelevantRatio: 0.5)
        for dialect in [CorpusDialect.evtxJSON, .ecs] {
            let corpus = try scratch.generate(dialect, options: options, name: "c.\(dialect.rawValue)")
            let (store, _) = try scratch.load([corpus.path], db: "\(dialect.rawValue).db")
            // The detection itself, with its built-in allowlist: exactly the planted true positives.
            let rule = try XCTUnwrap(try RuleCatalog.builtIn().select(["remote_service_rpc"]).first)
            var alerts: [Alert] = []
            let summary = try DetectionEngine(store: store, allowlist: try Allowlist.builtIn())
                .run(rule, options: DetectionOptions(), onAlert: { alerts.append($0) })
            let found = alerts.map { [$0["services_entity_id"], $0["child_entity_id"]] }
            let expected = corpus.summary.planted(.truePositive).map {
                [RowValue.text(PlantedCase.entityID($0.services, for: dialect)), .text(PlantedCase.entityID($0.child, for: dialect))]
            }
            XCTAssertEqual(found.count, expected.count, "\(dialect.rawValue): one alert per planted case")
            XCTAssertEqual(Set(found), Set(expected), dialect.rawValue)
            XCTAssertGreaterThan(summary.suppressed, 0, "\(dialect.rawValue): benign remote administration is there to be suppressed")
        }
    }

    func testGeneratePlanted_nearMissesMissInTheirOwnWay() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 8_000, seed: 17, planted: 3, irrelevantRatio: 0.3)
        let corpus = try scratch.generate(.xml, options: options, name: "c.xml")
        let (store, _) = try scratch.load([corpus.path])
        let cases = corpus.summary.plantedCases
        XCTAssertEqual(Set(cases.map(\.kind)), Set(PlantedKind.allCases))
        XCTAssertEqual(cases.count, 3 * PlantedKind.allCases.count)
        for planted in cases {
            let c = planted.connection
            let connectionRows = try store.rows("SELECT source_ip, direction, transport FROM network_connections WHERE entity_id = '\(planted.services.guid.canonical)' AND ts_us = \(planted.networkMicros)")
            let childRows = try store.rows("SELECT parent_entity_id FROM processes WHERE entity_id = '\(planted.child.guid.canonical)' AND ts_us = \(planted.childMicros)")
            XCTAssertEqual(connectionRows.count, 1, planted.kind.rawValue)
            XCTAssertEqual(childRows.count, 1, planted.kind.rawValue)
            let linked = childRows.first?[0] == .text(planted.services.guid.canonical)
            let delta = planted.deltaMilliseconds
            let sameHost = planted.host === planted.childHost
            let qualifying = c.transport == "tcp" && !c.initiated && c.sourcePort >= 49152 && c.destinationPort >= 49152
                && !["127.0.0.1", "::1", "::ffff:127.0.0.1"].contains(c.sourceIP.ecs)
            let allowlisted = ServiceAllowlist.contains(planted.child)
            switch planted.kind {
            case .truePositive: XCTAssertTrue(qualifying && linked && sameHost && (50...950).contains(delta) && !allowlisted)
            case .lateChild: XCTAssertTrue(qualifying && linked && delta > 1000)
            case .childBeforeConnection: XCTAssertTrue(qualifying && linked && delta < 0)
            case .lowPort: XCTAssertTrue(linked && (c.sourcePort < 49152 || c.destinationPort < 49152))
            case .loopbackSource:
                XCTAssertTrue(linked && !qualifying)
                XCTAssertTrue(["127.0.0.1", "::1", "::ffff:127.0.0.1"].contains(connectionRows.first?[0].description ?? ""))
            case .udp: XCTAssertTrue(linked && connectionRows.first?[2] == .text("udp"))
            case .outgoing: XCTAssertTrue(linked && connectionRows.first?[1] == .text("outgoing"))
            case .otherBootServices: XCTAssertTrue(qualifying && !linked && sameHost && (50...950).contains(delta))
            case .otherHost: XCTAssertTrue(qualifying && !sameHost && (50...950).contains(delta))
            case .allowlistedChild: XCTAssertTrue(qualifying && linked && allowlisted && (50...950).contains(delta))
            }
            if planted.kind != .allowlistedChild { XCTAssertFalse(allowlisted, planted.kind.rawValue) }
        }
        // All three loopback spellings are planted.
        XCTAssertEqual(Set(cases.filter { $0.kind == .loopbackSource }.map(\.connection.sourceIP.ecs)), ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
    }

    func testGeneratePlanted_truthLinesDescribeEachCase() throws {
        let scratch = try Scratch()
        let corpus = try scratch.generate(.sysmonFlat, options: GenerateFixture.options(events: 2_000, seed: 5), name: "c.ndjson")
        let path = scratch.path("truth.ndjson")
        try CorpusGenerator.writeTruth(corpus.summary.plantedCases, dialect: .sysmonFlat, to: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, PlantedKind.allCases.count)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let tp = try XCTUnwrap(objects.first { $0["kind"] as? String == "true_positive" })
        XCTAssertEqual(tp["expected_alert"] as? Bool, true)
        XCTAssertEqual(tp["child_parent_entity_id"] as? String, tp["services_entity_id"] as? String)
        XCTAssertEqual(tp["host"] as? String, tp["child_host"] as? String)
        for key in ["host", "network_time", "child_time", "delta_ms", "services_entity_id", "child_entity_id", "child_executable"] {
            XCTAssertNotNil(tp[key], key)
        }
        XCTAssertEqual(Set(objects.compactMap { $0["kind"] as? String }), Set(PlantedKind.allCases.map(\.rawValue)))
    }
}

/// Generates corpora into a test's scratch directory and reads rows back for comparison.
enum GenerateFixture {
    /// Every stored column but `event_id`, `source_id`, `source_record` and `record_key`, with the host's name.
    static let processColumns = """
        SELECT h.host_key, h.name, p.ts_us, p.entity_id, p.pid, p.executable, p.name, p.command_line, p.args, p.working_directory,
               p.parent_entity_id, p.parent_pid, p.parent_executable, p.parent_name, p.parent_command_line,
               p.user_name, p.user_domain, p.integrity_level, p.hashes
        FROM processes AS p JOIN hosts AS h ON h.host_id = p.host_id
        ORDER BY h.host_key, p.ts_us, p.entity_id
        """
    static let networkColumns = """
        SELECT h.host_key, h.name, n.ts_us, n.entity_id, n.pid, n.executable, n.name, n.user_name, n.user_domain, n.transport, n.direction,
               n.source_ip, n.source_port, n.source_hostname, n.destination_ip, n.destination_port, n.destination_hostname
        FROM network_connections AS n JOIN hosts AS h ON h.host_id = n.host_id
        ORDER BY h.host_key, n.ts_us, n.entity_id, n.source_port, n.destination_port
        """

    static func options(events: Int, hosts: Int = 20, seed: UInt64 = 1, planted: Int? = nil, irrelevantRatio: Double = 0) -> CorpusOptions {
        var options = CorpusOptions()
        options.events = events
        options.hosts = hosts
        options.seed = seed
        options.planted = planted
        options.irrelevantRatio = irrelevantRatio
        return options
    }

    /// Fails with the first differing row (whole-array equality would print megabytes).
    static func assertSameRows(_ actual: [[RowValue]], _ expected: [[RowValue]], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(what): row count", file: file, line: line)
        if let i = (0..<min(actual.count, expected.count)).first(where: { actual[$0] != expected[$0] }) {
            XCTFail("\(what): row \(i) differs:\n  \(actual[i])\n  \(expected[i])", file: file, line: line)
        }
    }
}

extension Scratch {
    /// Writes a corpus of `options` in `dialect` to `name` in the scratch directory.
    func generate(_ dialect: CorpusDialect, options: CorpusOptions, name: String, gzip: Bool = false,
                  xmlRoot: Bool = true) throws -> (path: String, summary: CorpusSummary) {
        let output = try CorpusOutput(path: path(name), gzip: gzip)
        var sink = dialect.makeSink(output: output, xmlRootElement: xmlRoot)
        let summary = try CorpusGenerator(options: options).generate(into: &sink)
        return (path(name), summary)
    }
}

extension SQLiteStore {
    /// Every row of `sql`.
    func rows(_ sql: String) throws -> [[RowValue]] {
        let statement = try database.prepare(sql, purpose: "test query")
        var rows: [[RowValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }
}
