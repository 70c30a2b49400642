import Foundation
import XCTest
import HuntDB

final class GenerateDeterminismTests: XCTestCase {
    func testGenerate_sameSeedGivesIdenticalBytesInEveryDialect() throws {
        let scratch = try Scratch()
        for dialect in CorpusDialect.allCases {
            let options = GenerateFixture.options(events: 2_000, seed: 11, irrelevantRatio: 0.5)
            let first = try scratch.generate(dialect, options: options, name: "a.\(dialect.rawValue)")
            let second = try scratch.generate(dialect, options: options, name: "b.\(dialect.rawValue)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first.path)), try Data(contentsOf: URL(fileURLWithPath: second.path)),
                           "\(dialect.rawValue): same seed, same bytes")
            XCTAssertEqual(first.summary.plantedCases.map { $0.jsonLine(for: dialect) }, second.summary.plantedCases.map { $0.jsonLine(for: dialect) })
        }
    }

    func testGenerate_differentSeedGivesDifferentCorpus() throws {
        let scratch = try Scratch()
        let a = try scratch.generate(.sysmonFlat, options: GenerateFixture.options(events: 2_000, seed: 1), name: "a.ndjson")
        let b = try scratch.generate(.sysmonFlat, options: GenerateFixture.options(events: 2_000, seed: 2), name: "b.ndjson")
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: a.path)), try Data(contentsOf: URL(fileURLWithPath: b.path)))
    }

    func testGenerate_gzipIsDeterministic() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 2_000, seed: 5)
        let a = try scratch.generate(.evtxJSON, options: options, name: "a.json.gz", gzip: true)
        let b = try scratch.generate(.evtxJSON, options: options, name: "b.json.gz", gzip: true)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: a.path))
        XCTAssertEqual(Array(bytes.prefix(2)), [0x1F, 0x8B])
        XCTAssertEqual(bytes, try Data(contentsOf: URL(fileURLWithPath: b.path)))
    }

    func testGenerate_writesExactlyTheRequestedEventsAndNoiseShare() throws {
        for (events, ratio) in [(1_500, 0.0), (3_333, 0.9), (4_000, 0.25)] {
            let stream = try CorpusEventStream(options: GenerateFixture.options(events: events, hosts: 4, irrelevantRatio: ratio))
            var noise = 0
            var total = 0
            while let event = stream.next() {
                total += 1
                if !event.kind.isRelevant { noise += 1 }
            }
            XCTAssertEqual(total, events)
            XCTAssertEqual(noise, Int((Double(events) * ratio).rounded()), "events \(events), ratio \(ratio)")
            XCTAssertEqual(stream.emitted, Int64(events))
        }
    }

    func testGenerate_eventsComeInTimeOrderWithIncreasingRecordIDsPerHost() throws {
        let stream = try CorpusEventStream(options: GenerateFixture.options(events: 5_000, hosts: 7, irrelevantRatio: 0.3))
        var lastTime = Int64.min
        var lastRecord: [Int: Int64] = [:]
        var sequence: Int64 = 0
        var processes = Set<SysmonGUID>()
        while let event = stream.next() {
            XCTAssertGreaterThanOrEqual(event.timeMicros, lastTime)
            XCTAssertEqual(event.timeMicros % 1000, 0, "Sysmon times are whole milliseconds")
            XCTAssertGreaterThan(event.loggedMicros, event.timeMicros)
            lastTime = event.timeMicros
            XCTAssertGreaterThan(event.recordID, lastRecord[event.host.index] ?? 0)
            lastRecord[event.host.index] = event.recordID
            XCTAssertEqual(event.sequence, sequence)
            sequence += 1
            XCTAssertGreaterThanOrEqual(event.timeMicros, stream.options.startMicros)
            if event.kind == .processCreate {
                XCTAssertTrue(processes.insert(event.process.guid).inserted, "every process GUID is new")
                if let parent = event.process.parent { XCTAssertLessThan(parent.startMicros, event.timeMicros) }
            }
        }
        XCTAssertEqual(lastRecord.count, 7, "every host has events")
    }

    func testGenerate_fleetHasServersWorkstationsAndAFreshServicesPerBoot() throws {
        let stream = try CorpusEventStream(options: GenerateFixture.options(events: 3_000, hosts: 20))
        XCTAssertEqual(stream.hosts.map(\.name).prefix(3), ["SRV-DC01.corp.example", "SRV-MGMT01.corp.example", "WS-0001.corp.example"])
        var boots: [Int: Set<SysmonGUID>] = [:]
        while let event = stream.next() {
            guard event.kind == .processCreate, event.process.name == "services.exe" else { continue }
            XCTAssertEqual(event.process.parent?.name, "wininit.exe")
            boots[event.host.index, default: []].insert(event.process.guid)
        }
        XCTAssertEqual(boots.count, 20)
        XCTAssertTrue(boots.values.allSatisfy { $0.count >= 2 }, "every host boots at least twice, each time with a new services.exe")
    }

    func testGenerate_rejectsOptionsThatCannotWork() {
        var options = CorpusOptions()
        options.events = 100
        XCTAssertThrowsError(try options.validate()) { error in
            guard case CorpusError.tooFewEvents(let needed, 20, 1) = error else { return XCTFail("\(error)") }
            XCTAssertTrue((error as! CorpusError).description.contains("need at least \(needed) events"))
        }
        options = CorpusOptions()
        options.irrelevantRatio = 1.5
        XCTAssertThrowsError(try options.validate()) { error in
            XCTAssertEqual((error as! CorpusError).description, "--irrelevant-ratio must be between 0 and 1.")
        }
        options = CorpusOptions()
        options.planted = 0
        XCTAssertThrowsError(try options.validate()) { error in
            XCTAssertEqual((error as! CorpusError).description, "--planted must be at least 1.")
        }
    }

    func testGenerate_plantedCountScalesWithSize() {
        var options = CorpusOptions()
        options.events = 5_000
        XCTAssertEqual(options.plantedCount, 1)
        options.events = 1_000_000
        XCTAssertEqual(options.plantedCount, 10)
        options.planted = 3
        XCTAssertEqual(options.plantedCount, 3)
    }
}
