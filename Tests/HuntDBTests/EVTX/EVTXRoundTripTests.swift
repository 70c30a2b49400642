import HuntDB
@testable import Generate
import XCTest

/// Writer → reader round trips.
final class EVTXRoundTripTests: XCTestCase {
    typealias S = EVTXTestSupport

    func testRoundTrip_manyEventsAcrossSeveralChunks() throws {
        let events = (0 ..< 3000).map { S.event($0) }
        let bytes = try S.write(events)
        XCTAssertGreaterThan(bytes.count, 4096 + 5 * 65536, "expected several chunks")
        XCTAssertEqual((bytes.count - 4096) % 65536, 0)
        let items = try S.read(bytes)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.events(items), events)
        // Numbers are 1-based and dense; offsets point at record signatures in increasing order.
        var previous: Int64 = 0
        for (i, item) in items.enumerated() {
            guard case .event(_, let number, let offset) = item else { return XCTFail("unexpected \(item)") }
            XCTAssertEqual(number, Int64(i + 1))
            XCTAssertGreaterThan(offset, previous)
            XCTAssertEqual(Array(bytes[Int(offset) ..< Int(offset) + 4]), [0x2A, 0x2A, 0, 0])
            previous = offset
        }
    }

    func testRoundTrip_fileHeaderFields() throws {
        let bytes = try S.write((0 ..< 1500).map { S.event($0) })
        let chunks = (bytes.count - 4096) / 65536
        XCTAssertEqual(Array(bytes[0 ..< 8]), Array("ElfFile\0".utf8))
        XCTAssertEqual(Int(bytes[42]) | Int(bytes[43]) << 8, chunks)
        XCTAssertEqual(S.u32(bytes, 24), 1501, "next record identifier")
        XCTAssertEqual(S.u32(bytes, 16), UInt32(chunks - 1), "last chunk number")
        XCTAssertEqual(S.u32(bytes, 120), 0, "a finished file is not dirty")
        var copy = bytes
        S.fixFileHeaderChecksum(&copy)
        XCTAssertEqual(copy, bytes, "the file header checksum is correct")
        for c in 0 ..< chunks {
            var chunkCopy = bytes
            S.fixChunkChecksums(&chunkCopy, chunkAt: 4096 + c * 65536)
            XCTAssertEqual(chunkCopy, bytes, "chunk \(c) checksums are correct")
        }
    }

    func testRoundTrip_nestedBinXMLLayouts() throws {
        let events = (0 ..< 800).map { S.event($0, dataCount: $0 % 5) }
        for layout in [EVTXWriter.EventDataLayout.nestedTemplate, .nestedElements] {
            let items = try S.read(try S.write(events, layout: layout))
            XCTAssertEqual(S.damaged(items), [], "\(layout)")
            XCTAssertEqual(S.events(items), events, "\(layout)")
        }
    }

    func testRoundTrip_missingFieldsAndEmptyValues() throws {
        let events = [
            WindowsEvent(),
            WindowsEvent(providerName: "", eventID: "", timeCreated: "", recordID: "", channel: "", computer: ""),
            WindowsEvent(providerName: "P", eventID: "70000", timeCreated: "2020-09-20T16:16:06.47Z", recordID: "x17",
                         data: [.init(name: "", value: ""), .init(name: "A", value: "")]),
            WindowsEvent(eventID: "4624", timeCreated: "1601-01-01T00:00:00.0000000Z",
                         data: [.init(name: "A", value: "1"), .init(name: "A", value: "2")]),
        ]
        for layout in [EVTXWriter.EventDataLayout.flat, .nestedTemplate] {
            XCTAssertEqual(S.events(try S.read(try S.write(events, layout: layout))), events, "\(layout)")
        }
    }

    func testRoundTrip_shortReadsLikeAPipe() throws {
        let events = (0 ..< 400).map { S.event($0) }
        let bytes = try S.write(events)
        XCTAssertEqual(S.events(try S.read(bytes, maxRead: 4093)), events)
        XCTAssertEqual(S.events(try S.read(bytes, maxRead: 1)), events)
    }

    func testRoundTrip_stopsEarlyWhenHandlerReturnsFalse() throws {
        let bytes = try S.write((0 ..< 2000).map { S.event($0) })
        var seen = 0
        try EVTXReader().read(from: EVTXMemoryInput(bytes)) { _ in seen += 1; return seen < 5 }
        XCTAssertEqual(seen, 5)
    }

    func testRoundTrip_emptyFileHasNoItems() throws {
        let bytes = try S.write([])
        XCTAssertEqual(bytes.count, 4096)
        XCTAssertEqual(try S.read(bytes), [])
    }

    func testWriter_rejectsAnEventLargerThanAChunk() throws {
        let writer = try EVTXWriter(output: EVTXMemoryOutput())
        let huge = WindowsEvent(data: [.init(name: "Big", value: String(repeating: "x", count: 40000))])
        XCTAssertThrowsError(try writer.append(huge))
        try writer.append(S.event(1))
        try writer.finish()
        XCTAssertThrowsError(try writer.append(S.event(2)))
    }

    func testReader_looksLikeEVTX() throws {
        let yes = Array("ElfFile\0rest".utf8), no = Array("ElfChnk\0".utf8)
        XCTAssertTrue(yes.withUnsafeBytes { EVTXReader.looksLikeEVTX($0) })
        XCTAssertFalse(no.withUnsafeBytes { EVTXReader.looksLikeEVTX($0) })
        XCTAssertFalse([UInt8]().withUnsafeBytes { EVTXReader.looksLikeEVTX($0) })
    }

    func testReader_rejectsNonEVTXInput() {
        XCTAssertThrowsError(try S.read(Array("{\"json\": true}".utf8))) { error in
            XCTAssertTrue("\(error)".contains("not an EVTX file"), "\(error)")
        }
        XCTAssertThrowsError(try S.read([]))
    }

    func testTime_fileTimeFormattingAndParsing() {
        XCTAssertEqual(EVTXTime.format(fileTime: 0), "1601-01-01T00:00:00.0000000Z")
        let t = EVTXTime.parseFileTime("2020-09-20T16:16:06.4702345Z")
        XCTAssertNotNil(t)
        XCTAssertEqual(t.map { EVTXTime.format(fileTime: $0) }, "2020-09-20T16:16:06.4702345Z")
        XCTAssertEqual(EVTXTime.parseFileTime("2020-02-29T23:59:59Z").map { EVTXTime.format(fileTime: $0) },
                       "2020-02-29T23:59:59.0000000Z")
        XCTAssertNil(EVTXTime.parseFileTime("2020-09-20 16:16:06"))
        XCTAssertNil(EVTXTime.parseFileTime("1600-01-01T00:00:00Z"))
        // Unix epoch in FILETIME ticks.
        XCTAssertEqual(EVTXTime.format(fileTime: 116_444_736_000_000_000), "1970-01-01T00:00:00.0000000Z")
    }
}
