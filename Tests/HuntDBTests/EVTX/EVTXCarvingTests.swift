import HuntDB
@testable import Generate
import XCTest

/// Chunks whose header cannot be trusted (`sysmon.evtx` chunks 9–16,
/// `sample_with_a_bad_chunk_magic.evtx`): their records are carved by signature and size,
/// each validated, and whatever cannot be recovered is a named reject.
final class EVTXCarvingTests: XCTestCase {
    typealias S = EVTXTestSupport
    typealias F = EVTXRecoveryFixture

    static let events = F.events(400)
    static let bytes: [UInt8] = (try? S.write(events)) ?? []
    static var chunk: Int { S.chunkOffsets(bytes)[1] }

    func testMissingChunkSignature_everyRecordIsCarved() throws {
        var bytes = Self.bytes
        let c = Self.chunk, count = S.recordCount(bytes, chunkAt: c)
        bytes.replaceSubrange(c ..< c + 8, with: Array("XXXXXXXX".utf8))
        let chunkNote = "chunk 1 at offset \(c): the chunk signature is missing; \(count) records carved by their record signature and size fields, each validated on its own"
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.events)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.notes(items), [EVTXNote(offset: Int64(c), records: count, carved: true, text: chunkNote)])

        let report = try F.load(bytes)
        XCTAssertEqual(report.counts.read, 400)
        XCTAssertEqual(report.counts.loaded, 400)
        XCTAssertEqual(report.notes, [chunkNote, "\(count) records carved from 1 chunk whose header could not be trusted"])
    }

    func testHeaderChecksumMismatchAndInconsistentLayout_chunkIsCarved() throws {
        var bytes = Self.bytes
        let c = Self.chunk, count = S.recordCount(bytes, chunkAt: c)
        S.put32(&bytes, c + 48, 0x7FFF_FFFF)   // free space offset, without repairing the checksum
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.events)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.notes(items).map(\.text), ["chunk 1 at offset \(c): header checksum mismatch and its free space offset 2147483647 lies outside the record area; \(count) records carved by their record signature and size fields, each validated on its own"])
    }

    /// The whole header and one record in the middle of the chunk zeroed: the others are carved,
    /// and the gap in their record identifiers is the one reject.
    func testOverwrittenHeaderAndRecord_theMissingRecordIsRejectedByIdentifier() throws {
        var bytes = Self.bytes
        let c = Self.chunk, records = S.recordOffsets(bytes, chunkAt: c)
        let victim = records[5], next = records[6]
        let victimID = S.u64(bytes, victim + 8)
        for i in c ..< c + 512 { bytes[i] = 0 }
        for i in victim ..< next { bytes[i] = 0 }
        let items = try S.read(bytes)
        var expected = Self.events
        expected.remove(at: Int(victimID) - 1)
        XCTAssertEqual(S.events(items), expected)
        XCTAssertEqual(S.damaged(items), ["record \(victimID) is missing from chunk 1 at offset \(c) (the chunk signature is missing): the bytes at offsets \(victim) ..< \(next), between records \(victimID - 1) and \(victimID + 1), hold no valid record"])
        XCTAssertEqual(S.notes(items).map(\.records), [records.count - 1])

        let report = try F.load(bytes)
        XCTAssertEqual(report.counts.read, 400)
        XCTAssertEqual(report.counts.loaded, 399)
        XCTAssertEqual(report.counts.rejected, 1)
    }

    /// The chunk's first record defines the process-creation template; its definition is
    /// damaged, so every record using it is rejected naming the template, and the others load.
    func testLostTemplate_recordsUsingItAreRejectedNamingIt() throws {
        var bytes = Self.bytes
        let c = Self.chunk, records = S.recordOffsets(bytes, chunkAt: c)
        let first = records[0]
        // Record header (24), fragment header (4), template instance token, version, identifier,
        // definition offset; the definition follows: next offset, then the GUID.
        let identifier = S.u32(bytes, first + 30)
        let definition = Int(S.u32(bytes, first + 34))
        XCTAssertEqual(definition, first - c + 38)
        XCTAssertEqual(S.u32(bytes, c + definition + 4), identifier)
        bytes.replaceSubrange(c ..< c + 8, with: Array("XXXXXXXX".utf8))
        bytes[c + definition + 4] ^= 0xFF
        let damagedID = S.u32(bytes, c + definition + 4)
        let firstIndex = Int(S.u64(bytes, first + 8)) - 1
        let lost = Set(records.indices.filter { $0 % 2 == 0 }.map { firstIndex + $0 })
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.events.enumerated().filter { !lost.contains($0.offset) }.map(\.element))
        let reason = "template 0x\(String(identifier, radix: 16)) at chunk offset \(definition) cannot be resolved: the definition there carries identifier 0x\(String(damagedID, radix: 16)); the damaged chunk lost it"
        XCTAssertEqual(S.damaged(items), records.indices.filter { $0 % 2 == 0 }.map { k in
            "record \(firstIndex + k + 1) at offset \(records[k]), carved from chunk 1 at offset \(c) (the chunk signature is missing): \(reason)"
        })
        XCTAssertEqual(S.notes(items).map(\.records), [records.count - lost.count])

        let report = try F.load(bytes)
        XCTAssertEqual(report.counts.read, 400)
        XCTAssertEqual(report.counts.loaded, Int64(400 - lost.count))
        XCTAssertEqual(report.counts.rejected, Int64(lost.count))
    }

    func testChunkWithoutAnyRecord_isOneReject() throws {
        var bytes = Self.bytes
        let c = Self.chunk, count = S.recordCount(bytes, chunkAt: c)
        for i in c ..< c + 65536 { bytes[i] = 0xA5 }
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items).count, 400 - count)
        XCTAssertEqual(S.damaged(items), ["chunk 1 at offset \(c): the chunk signature is missing, and no record could be carved from it"])
        XCTAssertEqual(S.notes(items), [])
        let report = try F.load(bytes)
        XCTAssertEqual(report.counts.read, Int64(400 - count + 1))
        XCTAssertEqual(report.counts.rejected, 1)
    }

    /// A chunk packed with 2,340 well-framed 28-byte fakes (no BinXML): each is validated and
    /// rejected, in one linear pass.
    func testHostileChunk_packedWithFakeRecordsIsRejectedFakeByFake() throws {
        var bytes = Self.bytes
        let c = Self.chunk
        var fake = [UInt8](repeating: 0, count: 28)
        fake.replaceSubrange(0 ..< 4, with: [0x2A, 0x2A, 0, 0])
        S.put32(&fake, 4, 28)
        S.put32(&fake, 24, 28)
        for k in 0 ..< 8 { fake[16 + k] = UInt8(truncatingIfNeeded: F.firstTicks >> (8 * UInt64(k))) }
        let fakes = 65536 / 28
        for k in 0 ..< fakes { bytes.replaceSubrange(c + 28 * k ..< c + 28 * (k + 1), with: fake) }
        let started = Date()
        let items = try S.read(bytes)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(S.damaged(items).count, fakes)
        XCTAssertTrue(S.damaged(items).allSatisfy { $0.hasSuffix("its BinXML contains no element") }, "\(S.damaged(items).first ?? "")")
        XCTAssertEqual(S.events(items).count, 400 - S.recordCount(Self.bytes, chunkAt: c))
    }
}
