import Foundation
import XCTest
import HuntDB
@testable import Model
@testable import Normalize

final class GenerateDialectTests: XCTestCase {
    func testGenerateDialects_everyDialectLoadsWithoutRejects() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 3_000, seed: 3, irrelevantRatio: 0.4)
        for dialect in CorpusDialect.allCases {
            let corpus = try scratch.generate(dialect, options: options, name: "corpus.\(dialect.rawValue)")
            let (_, report) = try scratch.load([corpus.path], db: "\(dialect.rawValue).db")
            let counts = report.totals
            XCTAssertTrue(counts.addsUp, dialect.rawValue)
            XCTAssertEqual(counts.read, 3_000, dialect.rawValue)
            XCTAssertEqual(counts.rejected, 0, "\(dialect.rawValue): \(report.sources.first?.firstRejects.first?.reason ?? "")")
            XCTAssertEqual(counts.duplicates, 0, dialect.rawValue)
            XCTAssertEqual(counts.loaded, Int64(corpus.summary.relevantEvents), dialect.rawValue)
            XCTAssertEqual(counts.notRelevant, 1_200, dialect.rawValue)
            XCTAssertEqual(report.sources.first?.status, .complete)
        }
    }

    func testGenerateDialects_sysmonDialectsStoreIdenticalRows() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 4_000, seed: 8, irrelevantRatio: 0.2)
        var reference: (dialect: CorpusDialect, processes: [[RowValue]], network: [[RowValue]])?
        for dialect in CorpusDialect.allCases where dialect.isSysmon {
            let corpus = try scratch.generate(dialect, options: options, name: "corpus.\(dialect.rawValue)")
            let (store, report) = try scratch.load([corpus.path], db: "\(dialect.rawValue).db")
            XCTAssertEqual(report.totals.rejected, 0, dialect.rawValue)
            let processes = try store.rows(GenerateFixture.processColumns)
            let network = try store.rows(GenerateFixture.networkColumns)
            XCTAssertEqual(processes.count, corpus.summary.counts[.processCreate])
            XCTAssertEqual(network.count, corpus.summary.counts[.networkConnection])
            guard let reference else {
                reference = (dialect, processes, network)
                continue
            }
            GenerateFixture.assertSameRows(processes, reference.processes, "processes: \(dialect.rawValue) vs \(reference.dialect.rawValue)")
            GenerateFixture.assertSameRows(network, reference.network, "network_connections: \(dialect.rawValue) vs \(reference.dialect.rawValue)")
        }
    }

    func testGenerateDialects_ecsStoresTheSameEventsWithDefendIdentities() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 3_000, seed: 4, irrelevantRatio: 0.3)
        let flat = try scratch.generate(.sysmonFlat, options: options, name: "corpus.ndjson")
        let ecs = try scratch.generate(.ecs, options: options, name: "corpus.ecs.ndjson")
        let (flatStore, _) = try scratch.load([flat.path], db: "flat.db")
        let (ecsStore, report) = try scratch.load([ecs.path], db: "ecs.db")
        XCTAssertEqual(report.totals.rejected, 0)
        XCTAssertEqual(report.sources.first?.format, "ndjson:ecs")
        // Everything but identities, hashes and integrity spelling is the same as Sysmon's.
        let processColumns = "SELECT ts_us, pid, executable, name, command_line, args, working_directory, parent_pid, parent_executable, parent_name, parent_command_line, user_name, user_domain FROM processes ORDER BY 1, 2, 3, 5, 8"
        let networkColumns = "SELECT ts_us, pid, executable, name, user_name, user_domain, transport, direction, source_ip, source_port, source_hostname, destination_ip, destination_port, destination_hostname FROM network_connections ORDER BY 1, 2, 3, 9, 10, 12, 13"
        GenerateFixture.assertSameRows(try ecsStore.rows(processColumns), try flatStore.rows(processColumns), "ECS processes")
        GenerateFixture.assertSameRows(try ecsStore.rows(networkColumns), try flatStore.rows(networkColumns), "ECS network_connections")
        XCTAssertEqual(try ecsStore.column("SELECT count(*) FROM hosts WHERE ecs_host_id IS NOT NULL AND name NOT LIKE '%.corp.example'"), ["20"])
        XCTAssertEqual(try ecsStore.column("SELECT count(*) FROM processes WHERE length(entity_id) = 36"), ["0"], "Defend ids are not GUIDs")
        XCTAssertEqual(try ecsStore.column("SELECT count(*) FROM processes WHERE hashes NOT LIKE 'SHA256=%'"), ["0"])
        // Parent links resolve within the corpus just as they do for Sysmon.
        let linked = "SELECT count(*) FROM processes AS c JOIN processes AS p ON p.host_id = c.host_id AND p.entity_id = c.parent_entity_id"
        XCTAssertEqual(try ecsStore.column(linked), try flatStore.column(linked))
    }

    func testGenerateDialects_gzipLoadsIdentically() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 2_500, seed: 9, irrelevantRatio: 0.1)
        for dialect in [CorpusDialect.winlogbeat, .xml] {
            let plain = try scratch.generate(dialect, options: options, name: "plain.\(dialect.rawValue)")
            let packed = try scratch.generate(dialect, options: options, name: "packed.\(dialect.rawValue).gz", gzip: true)
            let (plainStore, _) = try scratch.load([plain.path], db: "plain-\(dialect.rawValue).db")
            let (packedStore, report) = try scratch.load([packed.path], db: "packed-\(dialect.rawValue).db")
            XCTAssertEqual(report.sources.first?.compression, "gzip")
            XCTAssertEqual(report.totals.rejected, 0)
            GenerateFixture.assertSameRows(try packedStore.rows(GenerateFixture.processColumns), try plainStore.rows(GenerateFixture.processColumns), "gzip \(dialect.rawValue)")
            GenerateFixture.assertSameRows(try packedStore.rows(GenerateFixture.networkColumns), try plainStore.rows(GenerateFixture.networkColumns), "gzip \(dialect.rawValue)")
        }
    }

    func testGenerateDialects_concatenatedXMLLoadsLikeTheRootedForm() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 1_500, seed: 2)
        let rooted = try scratch.generate(.xml, options: options, name: "rooted.xml")
        let bare = try scratch.generate(.xml, options: options, name: "bare.xml", xmlRoot: false)
        let text = try String(contentsOfFile: bare.path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("<Event xmlns="))
        XCTAssertFalse(text.contains("<Events>"))
        let (rootedStore, _) = try scratch.load([rooted.path], db: "rooted.db")
        let (bareStore, report) = try scratch.load([bare.path], db: "bare.db")
        XCTAssertEqual(report.totals.loaded, 1_500)
        GenerateFixture.assertSameRows(try bareStore.rows(GenerateFixture.processColumns), try rootedStore.rows(GenerateFixture.processColumns), "concatenated XML")
    }

    func testGenerateDialects_windowsEventsNormalizeLikeTheXML() throws {
        let options = GenerateFixture.options(events: 1_500, seed: 6, irrelevantRatio: 0.5)
        var normalized: [NormalizedEvent] = []
        var notRelevant = 0
        var sink = WindowsEventSink { event in
            switch SysmonNormalizer.normalize(event) {
            case .event(let e): normalized.append(e)
            case .notRelevant: notRelevant += 1
            case .rejected(let reason): XCTFail(reason)
            }
        }
        let summary = try CorpusGenerator(options: options).generate(into: &sink)
        XCTAssertEqual(normalized.count, summary.relevantEvents)
        XCTAssertEqual(notRelevant, 750)
        let scratch = try Scratch()
        let xml = try scratch.generate(.xml, options: options, name: "c.xml")
        let (store, _) = try scratch.load([xml.path])
        XCTAssertEqual(try store.column("SELECT command_line FROM processes ORDER BY event_id"),
                       normalized.filter { $0.kind == .processStart }.map { $0.commandLine ?? "" })
    }

    func testGenerateDialects_outputEscapesAwkwardCommandLines() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 4_000, seed: 12)
        let xml = try scratch.generate(.xml, options: options, name: "c.xml")
        let text = try String(contentsOfFile: xml.path, encoding: .utf8)
        XCTAssertTrue(text.contains("&amp;"))
        XCTAssertTrue(text.contains("&quot;"))
        let (store, _) = try scratch.load([xml.path])
        XCTAssertGreaterThan(Int(try store.column("SELECT count(*) FROM processes WHERE command_line LIKE '%&%' OR command_line LIKE '%\"%'")[0]) ?? 0, 0)
        XCTAssertGreaterThan(Int(try store.column("SELECT count(*) FROM network_connections WHERE source_ip LIKE '%:%'")[0]) ?? 0, 0, "some IPv6")
        XCTAssertGreaterThan(Int(try store.column("SELECT count(*) FROM network_connections WHERE transport = 'udp'")[0]) ?? 0, 0)
        XCTAssertGreaterThan(Int(try store.column("SELECT count(*) FROM network_connections WHERE direction = 'incoming' AND destination_port IN (445, 3389)")[0]) ?? 0, 0)
    }
}
