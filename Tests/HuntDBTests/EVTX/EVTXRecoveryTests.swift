import HuntDB
@testable import Generate
import XCTest

/// Chunks and records that fail a checksum or lack a size copy but whose structure holds: every
/// record that holds is read, the problem is a note, and only what does not hold is rejected.
final class EVTXRecoveryTests: XCTestCase {
    typealias S = EVTXTestSupport
    typealias F = EVTXRecoveryFixture

    static let events = F.events(400)
    static let bytes: [UInt8] = (try? S.write(events)) ?? []

    func testFixture_spansSeveralChunks() {
        XCTAssertGreaterThanOrEqual(S.chunkOffsets(Self.bytes).count, 3)
        XCTAssertEqual(S.chunkOffsets(Self.bytes).map { S.recordCount(Self.bytes, chunkAt: $0) }.reduce(0, +), Self.events.count)
    }

    /// `Application_no_crc32.evtx`: every checksum zeroed.
    func testChecksumsZeroed_everyRecordLoadsAndEachChunkIsNoted() throws {
        var bytes = Self.bytes
        F.zeroChecksums(&bytes)
        let expectedNotes = ["file header at offset 0: checksum mismatch; the chunks are read regardless"]
            + S.chunkOffsets(bytes).enumerated().map { index, c in
                "chunk \(index) at offset \(c): header checksum mismatch; event records checksum mismatch in a file not marked dirty; its records were read one by one and each validated (\(S.recordCount(bytes, chunkAt: c)) read); they may hold altered bytes"
            }
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.events)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.notes(items).map(\.text), expectedNotes)

        let report = try F.load(bytes)
        XCTAssertEqual(report.counts.read, 400)
        XCTAssertEqual(report.counts.loaded, 400)
        XCTAssertEqual(report.counts.rejected, 0)
        XCTAssertEqual(report.notes, expectedNotes)
    }

    /// `security_bad_string_cache.evtx`: a chunk whose string table is garbage fails its header
    /// checksum; its records are read, and a record that is itself broken is the only reject.
    func testHeaderChecksumMismatch_onlyTheRecordThatDoesNotHoldIsRejected() throws {
        var bytes = Self.bytes
        let chunk = S.chunkOffsets(bytes)[1]
        let records = S.recordOffsets(bytes, chunkAt: chunk)
        let victim = records[5]
        let victimID = S.u64(bytes, victim + 8)
        bytes[victim + 24] = 0x1F   // an unknown BinXML token where the fragment header starts
        S.fixChunkChecksums(&bytes, chunkAt: chunk)
        for i in chunk + 128 ..< chunk + 384 { bytes[i] = 0xFF }   // the string table: header checksum fails
        let items = try S.read(bytes)
        var expected = Self.events
        expected.remove(at: Int(victimID) - 1)
        XCTAssertEqual(S.events(items), expected)
        XCTAssertEqual(S.damaged(items), ["record \(victimID) at offset \(victim) in chunk 1 at offset \(chunk): unknown BinXML token 0x1f at chunk offset \(victim - chunk + 24)"])
        XCTAssertEqual(S.notes(items).map(\.text), ["chunk 1 at offset \(chunk): header checksum mismatch; its records were read one by one and each validated (\(records.count - 1) read); they may hold altered bytes"])

        let report = try F.load(bytes)
        XCTAssertEqual(report.counts.read, 400)
        XCTAssertEqual(report.counts.loaded, 399)
        XCTAssertEqual(report.counts.rejected, 1)
        XCTAssertEqual(report.firstRejects.map(\.offset), [Int64(victim)])
    }
}
