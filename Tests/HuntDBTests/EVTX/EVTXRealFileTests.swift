import HuntDB
import Foundation
import XCTest

/// Checks the reader against expectations computed by an independent parser
/// (scripts/evtx_expectations.py, python-evtx) for the real Sysmon sample logs.
final class EVTXRealFileTests: XCTestCase {
    /// `../shared/datasets/evtx-attack-samples` beside the repository (present in CI).
    static let dataset: String = {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return root.deletingLastPathComponent().appendingPathComponent("shared/datasets/evtx-attack-samples").path
    }()

    struct Expectations: Decodable {
        struct File: Decodable {
            var records: Int
            var sysmonEventID1: Int
            var sysmonEventID3: Int
            var samples: [Sample]
        }
        struct Sample: Decodable {
            var index: Int
            var EventRecordID: String?
            var Computer: String?
            var UtcTime: String?
            var Image: String?
            var ProcessGuid: String?
        }
        var files: [String: File]
    }

    func testRealFiles_matchIndependentParser() throws {
        guard FileManager.default.fileExists(atPath: Self.dataset) else {
            throw XCTSkip("the sample directory \(Self.dataset) is not present")
        }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/evtx_expectations.json")
        let expectations = try JSONDecoder().decode(Expectations.self, from: Data(contentsOf: fixture))
        XCTAssertFalse(expectations.files.isEmpty)
        for (name, expected) in expectations.files.sorted(by: { $0.key < $1.key }) {
            let path = Self.dataset + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { XCTFail("missing \(path)"); continue }
            var events: [WindowsEvent] = []
            var damaged: [String] = []
            var notes: [String] = []
            try EVTXReader().read(from: try FileInput(path: path)) { item in
                switch item {
                case .event(let e, _, _): events.append(e)
                case .damaged(_, let reason): damaged.append(reason)
                case .note(let note): notes.append(note.text)
                }
                return true
            }
            XCTAssertEqual(damaged, [], name)
            XCTAssertEqual(notes, [], name)
            XCTAssertEqual(events.count, expected.records, name)
            let sysmon = events.filter { $0.providerName == "Microsoft-Windows-Sysmon" }
            XCTAssertEqual(sysmon.filter { $0.eventID == "1" }.count, expected.sysmonEventID1, name)
            XCTAssertEqual(sysmon.filter { $0.eventID == "3" }.count, expected.sysmonEventID3, name)
            XCTAssertTrue(events.allSatisfy { $0.timeCreated?.count == 28 && $0.channel != nil }, name)
            for sample in expected.samples {
                guard sample.index < events.count else { XCTFail("\(name): no record \(sample.index)"); continue }
                let e = events[sample.index]
                let label = "\(name) record \(sample.index)"
                XCTAssertEqual(e.recordID, sample.EventRecordID, label)
                XCTAssertEqual(e.computer, sample.Computer, label)
                XCTAssertEqual(e.value("UtcTime"), sample.UtcTime, label)
                XCTAssertEqual(e.value("Image"), sample.Image, label)
                // GUID case is canonicalized downstream; python-evtx prints lower case.
                XCTAssertEqual(e.value("ProcessGuid")?.lowercased(), sample.ProcessGuid?.lowercased(), label)
            }
        }
    }

    func testRealFiles_streamFromStdinLikeInput() throws {
        let path = Self.dataset + "/AutomatedTestingTools_PanacheSysmon_vs_AtomicRedTeam01.evtx"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XCTSkip("the sample file \(path) is not present")
        }
        var count = 0
        try EVTXReader().read(from: EVTXMemoryInput([UInt8](data), maxRead: 65_521)) { item in
            if case .event = item { count += 1 }
            return true
        }
        XCTAssertEqual(count, 565)
    }
}
