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

    /// `Microsoft-Windows-HelloForBusiness%4Operational.evtx`: the last record of each chunk has
    /// a trailing size copy of 0.
    func testLastRecordWithoutSizeCopy_isReadByItsOwnStructure() throws {
        var bytes = Self.bytes
        var expectedNotes: [String] = []
        for (index, c) in S.chunkOffsets(bytes).enumerated() {
            let last = c + Int(S.u32(bytes, c + 44))
            S.put32(&bytes, last + Int(S.u32(bytes, last + 4)) - 4, 0)
            S.fixChunkChecksums(&bytes, chunkAt: c)
            expectedNotes.append("chunk \(index) at offset \(c): 1 record without a trailing size copy read by its own structure (the first at offset \(last))")
        }
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.events)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.notes(items).map(\.text), expectedNotes)

        let report = try F.load(bytes)
        XCTAssertEqual(report.counts.read, 400)
        XCTAssertEqual(report.counts.loaded, 400)
        XCTAssertEqual(report.notes, expectedNotes)
    }

    /// Without its size copy a record must prove itself: a written time outside 2000–2099 or
    /// BinXML that does not decode rejects it, naming why.
    func testRecordWithoutSizeCopy_isRejectedWhenItsStructureDoesNotHold() throws {
        var bytes = Self.bytes
        let chunks = S.chunkOffsets(bytes)
        let lastOf0 = chunks[0] + Int(S.u32(bytes, chunks[0] + 44))
        let lastOf1 = chunks[1] + Int(S.u32(bytes, chunks[1] + 44))
        var lost: [Int] = []
        for last in [lastOf0, lastOf1] {
            S.put32(&bytes, last + Int(S.u32(bytes, last + 4)) - 4, 0)
            lost.append(Int(S.u64(bytes, last + 8)) - 1)
        }
        for i in 16 ..< 24 { bytes[lastOf0 + i] = 0 }   // written time 0
        bytes[lastOf1 + 24] = 0x1F                    // an unknown BinXML token
        S.fixChunkChecksums(&bytes, chunkAt: chunks[0])
        S.fixChunkChecksums(&bytes, chunkAt: chunks[1])
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.events.enumerated().filter { !lost.contains($0.offset) }.map(\.element))
        XCTAssertEqual(S.damaged(items), [
            "record \(lost[0] + 1) at offset \(lastOf0) in chunk 0 at offset \(chunks[0]): its trailing size copy is 0 and its written time 0 (FILETIME) lies outside 2000–2099; skipped \(S.u32(bytes, lastOf0 + 4)) bytes",
            "record \(lost[1] + 1) at offset \(lastOf1) in chunk 1 at offset \(chunks[1]): its trailing size copy is 0 and unknown BinXML token 0x1f at chunk offset \(lastOf1 - chunks[1] + 24); skipped \(S.u32(bytes, lastOf1 + 4)) bytes",
        ])
        XCTAssertEqual(S.notes(items), [])
    }
}
