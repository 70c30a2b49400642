import HuntDB
@testable import Generate
import XCTest

/// Damaged, dirty, truncated and mutated files: every complete record is recovered, damage is
/// reported as `.damaged`, and nothing traps or hangs.
final class EVTXDamageTests: XCTestCase {
    typealias S = EVTXTestSupport

    /// A three-chunk file and its events, shared by the tests.
    static let sample: (bytes: [UInt8], events: [WindowsEvent], offsets: [Int]) = {
        let events = (0 ..< 600).map { S.event($0, dataCount: 3) }
        let bytes = (try? S.write(events)) ?? []
        let items = (try? S.read(bytes)) ?? []
        let offsets = items.compactMap { item -> Int? in
            if case .event(_, _, let offset) = item { return Int(offset) } else { return nil }
        }
        return (bytes, events, offsets)
    }()

    func testTruncation_recoversEveryCompleteRecordAtManyOffsets() throws {
        let (bytes, events, offsets) = Self.sample
        XCTAssertEqual(offsets.count, events.count)
        XCTAssertGreaterThanOrEqual((bytes.count - 4096) / 65536, 3)
        var cuts = Array(stride(from: 0, to: bytes.count, by: 1877))
        cuts += [8, 127, 128, 4095, 4096, 4097, 4096 + 511, 4096 + 512, 4096 + 65536, 4096 + 65536 + 100, bytes.count - 1]
        cuts += offsets.prefix(40).flatMap { [$0, $0 + 3, $0 + 30] }
        for cut in cuts where cut < bytes.count {
            let prefix = Array(bytes[0 ..< cut])
            guard cut >= 128 else {
                XCTAssertThrowsError(try S.read(prefix), "cut at \(cut)")
                continue
            }
            let items = try S.read(prefix)
            let complete = offsets.filter { $0 + Int(S.u32(bytes, $0 + 4)) <= cut }.count
            XCTAssertEqual(S.events(items), Array(events.prefix(complete)), "cut at \(cut)")
            XCTAssertEqual(S.damaged(items).count, 1, "cut at \(cut): \(S.damaged(items))")
            if case .damaged(let offset, _)? = items.last {
                XCTAssertLessThanOrEqual(offset, Int64(cut))
            } else {
                XCTFail("cut at \(cut): the truncation is not the last item")
            }
        }
    }

    func testDirtyFile_staleRecordsChecksumStillYieldsAllRecords() throws {
        var bytes = Self.sample.bytes
        let lastChunk = bytes.count - 65536
        S.put32(&bytes, lastChunk + 52, 0xDEAD_BEEF)
        S.fixChunkHeaderChecksum(&bytes, chunkAt: lastChunk)
        // Clean file: the records are delivered, with one note (not a reject) that the checksum did not match.
        var items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.sample.events)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.notes(items).map(\.text), ["chunk \((lastChunk - 4096) / 65536) at offset \(lastChunk): event records checksum mismatch in a file not marked dirty; its records were read one by one and each validated (\(S.recordCount(bytes, chunkAt: lastChunk)) read); they may hold altered bytes"])
        // Dirty file: a stale records checksum is expected and not reported.
        S.put32(&bytes, 120, 1)
        S.fixFileHeaderChecksum(&bytes)
        items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.sample.events)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.notes(items), [])
    }

    func testDirtyFile_recordsPastALaggingFreeSpaceOffsetAreRecovered() throws {
        var bytes = Self.sample.bytes
        let lastChunk = bytes.count - 65536
        let recordsInLast = Self.sample.offsets.filter { $0 >= lastChunk }
        XCTAssertGreaterThan(recordsInLast.count, 5)
        // The header still describes only the first three records of the chunk.
        S.put32(&bytes, lastChunk + 48, UInt32(recordsInLast[3] - lastChunk))
        S.put32(&bytes, 120, 1)
        S.fixFileHeaderChecksum(&bytes)
        S.fixChunkChecksums(&bytes, chunkAt: lastChunk)
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.sample.events)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.notes(items), [])
    }

    func testSlackSpace_garbageAfterTheLastRecordIsIgnored() throws {
        var bytes = Self.sample.bytes
        let lastChunk = bytes.count - 65536
        let free = lastChunk + Int(S.u32(bytes, lastChunk + 48))
        var rng = S.SplitMix(state: 7)
        for i in free ..< bytes.count { bytes[i] = UInt8.random(in: 0 ... 255, using: &rng) }
        // A well-framed stale record with an identifier that does not continue the chunk.
        let stale = Self.sample.offsets[0]
        let size = Int(S.u32(bytes, stale + 4))
        bytes.replaceSubrange(free ..< free + size, with: bytes[stale ..< stale + size])
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), Self.sample.events)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.notes(items), [])
    }

    func testZeroedChunk_isSkippedSilently() throws {
        var bytes = Self.sample.bytes
        for i in 4096 + 65536 ..< 4096 + 2 * 65536 { bytes[i] = 0 }
        let items = try S.read(bytes)
        let kept = Self.sample.offsets.enumerated().filter { !(4096 + 65536 ..< 4096 + 2 * 65536).contains($0.element) }
        XCTAssertEqual(S.events(items), kept.map { Self.sample.events[$0.offset] })
        XCTAssertEqual(S.damaged(items), [])
        // Extra zero chunks at the end (preallocated space) are silent too.
        let padded = Self.sample.bytes + [UInt8](repeating: 0, count: 2 * 65536)
        XCTAssertEqual(try S.read(padded).count, Self.sample.events.count)
    }

    func testDamagedChunk_headerChecksumMismatchIsANoteAndTheChunkIsRead() throws {
        var bytes = Self.sample.bytes
        bytes[4096 + 65536 + 60] ^= 0x01   // inside the checksummed header area, a field nothing reads
        let items = try S.read(bytes)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.events(items), Self.sample.events)
        let count = S.recordCount(bytes, chunkAt: 4096 + 65536)
        XCTAssertEqual(S.notes(items), [EVTXNote(offset: 69632, records: count, text: "chunk 1 at offset 69632: header checksum mismatch; its records were read one by one and each validated (\(count) read); they may hold altered bytes")])
    }

    func testDamagedRecord_badSizeIsReportedAndTheRestRecovered() throws {
        var bytes = Self.sample.bytes
        let victim = Self.sample.offsets[10]
        S.put32(&bytes, victim + 4, 0xFFFF_FFFF)
        S.fixChunkChecksums(&bytes, chunkAt: 4096)
        let items = try S.read(bytes)
        let damaged = S.damaged(items)
        XCTAssertEqual(damaged.count, 1)
        XCTAssertTrue(damaged.first?.contains("size field 4294967295 exceeds the chunk") ?? false, "\(damaged)")
        var expected = Self.sample.events
        expected.remove(at: 10)
        XCTAssertEqual(S.events(items), expected)
    }

    func testDamagedFileHeader_checksumMismatchIsReportedAndChunksStillRead() throws {
        var bytes = Self.sample.bytes
        bytes[30] ^= 0xFF
        let items = try S.read(bytes)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(S.notes(items).map(\.text), ["file header at offset 0: checksum mismatch; the chunks are read regardless"])
        XCTAssertEqual(S.events(items), Self.sample.events)
    }

    func testFuzz_randomByteFlipsNeverTrap() throws {
        try fuzz(iterations: 1500, seed: 0x5EED, fixChecksums: false)
    }

    func testFuzz_randomByteFlipsWithRepairedChecksumsReachTheBinXMLDecoder() throws {
        try fuzz(iterations: 1500, seed: 0xC0FFEE, fixChecksums: true)
    }

    /// Flips 1–8 random bytes of a one-chunk file `iterations` times; every run must yield only
    /// events and damaged items, or an `EVTXError`, and every run whose outcome follows from where
    /// its bytes changed (`expectedOutcome`) must have that outcome.
    private func fuzz(iterations: Int, seed: UInt64, fixChecksums: Bool) throws {
        let events = (0 ..< 60).map { S.event($0, dataCount: 3) }
        let nested = (0 ..< 30).map { S.event($0 + 60, dataCount: 2) }
        let base = try S.write(events)
        let baseNested = try S.write(nested, layout: .nestedTemplate)
        var rng = S.SplitMix(state: seed)
        var outcomes: [FuzzOutcome: Int] = [:]
        // Over the runs whose outcome the changed positions decide: expected and observed counts.
        var expected: [FuzzOutcome: Int] = [:], observed: [FuzzOutcome: Int] = [:]
        var mismatches: [String] = []
        for iteration in 0 ..< iterations {
            let original = iteration % 2 == 0 ? base : baseNested
            var bytes = original
            var positions: [Int] = []
            let used = 4096 + Int(S.u32(bytes, 4096 + 48))
            for _ in 0 ..< Int.random(in: 1 ... 8, using: &rng) {
                // Mostly inside the chunk's used area, sometimes anywhere.
                let position = Bool.random(using: &rng) ? Int.random(in: 4096 ..< used, using: &rng)
                                                        : Int.random(in: 0 ..< bytes.count, using: &rng)
                bytes[position] = UInt8.random(in: 0 ... 255, using: &rng)
                positions.append(position)
            }
            if fixChecksums { S.fixChunkChecksums(&bytes, chunkAt: 4096) }
            let outcome: FuzzOutcome
            do {
                let items = try S.read(bytes)
                outcome = S.damaged(items).isEmpty && S.notes(items).isEmpty ? .clean : .reported
            } catch is EVTXError {
                outcome = .error
            }
            outcomes[outcome, default: 0] += 1
            // The positions written that now differ (a repair also rewrites the chunk's checksums,
            // but only after a change in the chunk, which decides the outcome on its own).
            let changed = Set(positions).filter { bytes[$0] != original[$0] }.sorted()
            guard let predicted = Self.expectedOutcome(changed: changed, in: bytes, from: original, checksumsRepaired: fixChecksums) else { continue }
            expected[predicted, default: 0] += 1
            observed[outcome, default: 0] += 1
            if outcome != predicted {
                mismatches.append("iteration \(iteration): \(outcome), expected \(predicted) (bytes changed at \(changed))")
            }
        }
        XCTAssertEqual(observed, expected, "runs whose outcome follows from the changed positions")
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) runs: \(mismatches.prefix(5))")
        XCTAssertGreaterThan(expected[.clean] ?? 0, 0, "runs checked: \(expected)")
        XCTAssertGreaterThan(expected[.reported] ?? 0, 0, "runs checked: \(expected)")
        XCTAssertGreaterThan(outcomes[.reported] ?? 0, 0, "some mutations must be detected: \(outcomes)")
    }

    /// How one fuzz run ended: nothing reported, damage or notes reported, or an `EVTXError`.
    private enum FuzzOutcome: String, CustomDebugStringConvertible {
        case clean, reported, error
        var debugDescription: String { rawValue }
    }

    /// The outcome a read of `mutated` must have, judged only from the positions where it differs
    /// from `original` (a one-chunk file), or nil when that depends on how the changed bytes decode.
    ///
    /// A changed file signature is not an EVTX file. A change under a checksum is reported (as
    /// damage or as a note): the
    /// file header (0..<120 and its checksum at 124), the chunk signature, and unless the chunk's
    /// checksums were repaired, the chunk header (0..<120, 124..<512) and the records (512 up to
    /// the free space offset) of a file not marked dirty. A change only where nothing is read (the
    /// flags' other bits, 128..<4096, the chunk's 120..<124, the slack after the records) reads clean.
    private static func expectedOutcome(changed: [Int], in mutated: [UInt8], from original: [UInt8], checksumsRepaired: Bool) -> FuzzOutcome? {
        let chunk = 4096
        let used = chunk + Int(S.u32(original, chunk + 48))
        let markedDirty = S.u32(mutated, 120) & 1 != 0
        if changed.contains(where: { $0 < 8 }) { return .error }
        var decided = true
        for p in changed {
            switch p {
            case 0 ..< 120, 124 ..< 128, chunk ..< chunk + 8:
                return .reported
            case chunk + 8 ..< chunk + 120, chunk + 124 ..< chunk + 512:
                if checksumsRepaired { decided = false } else { return .reported }
            case chunk + 512 ..< used:
                if checksumsRepaired || markedDirty { decided = false } else { return .reported }
            default:
                continue
            }
        }
        return decided ? .clean : nil
    }

    func testHostileBinXML_selfReferencingTemplateHitsTheDepthLimit() throws {
        var c = EVTXChunkBuilder()
        c.beginRecord()
        c.u32(0x0000_2A2A); c.u32(0); c.u64(1); c.u64(0)
        c.fragmentHeader()
        c.templateInstance(key: "loop") { c in
            c.fragmentHeader()
            let e = c.openElement("Event", attributes: false)
            c.closeStart(attributes: nil)
            c.templateInstance(key: "loop") { _ in }   // refers back to the definition being built
            c.u32(0)
            c.endElement(size: e.size)
            c.u8(0)
        }
        c.u32(0)
        c.u8(0)
        c.u32(UInt32(c.rec.count + 4))
        c.patch32(UInt32(c.rec.count), at: 4)
        XCTAssertTrue(c.commitRecord(id: 1))
        c.finishHeader()
        let bytes = try S.write([]) + c.buffer
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), [])
        XCTAssertEqual(S.damaged(items).count, 1)
        XCTAssertTrue(S.damaged(items).first?.contains("nested more than") ?? false, "\(items)")
    }

    func testHostileBinXML_templateReferenceOutsideTheChunkFailsCleanly() throws {
        var bytes = try S.write([S.event(1)])
        let binxml = 4096 + 512 + 24
        // A template instance whose definition offset points far outside the chunk.
        let patch: [UInt8] = [0x0F, 0x01, 0x01, 0x00, 0x0C, 0x01, 0, 0, 0, 0]
        bytes.replaceSubrange(binxml ..< binxml + patch.count, with: patch)
        S.put32(&bytes, binxml + 10, 0x7FFF_FFF0)
        S.fixChunkChecksums(&bytes, chunkAt: 4096)
        let items = try S.read(bytes)
        XCTAssertEqual(S.events(items), [])
        XCTAssertEqual(S.damaged(items).count, 1, "\(items)")
    }
}
