import HuntDB
@testable import Model
@testable import Generate
import XCTest

/// Shared helpers for the EVTX tests: building files with the writer and reading them back.
enum EVTXTestSupport {
    /// A deterministic event with a few Data items; `i` varies every field.
    static func event(_ i: Int, dataCount: Int = 6) -> WindowsEvent {
        let ticks = UInt64(132_451_000_000_000_000) + UInt64(i) * 10_000_123
        var e = WindowsEvent(providerName: "Microsoft-Windows-Sysmon", eventID: String(1 + i % 3),
                             timeCreated: EVTXTime.format(fileTime: ticks), recordID: String(1000 + i),
                             channel: "Microsoft-Windows-Sysmon/Operational", computer: "host-\(i % 7)")
        e.data = (0 ..< dataCount).map { k in
            WindowsEvent.DataItem(name: "Field\(k + (i % 2) * 10)", value: "value \(i)-\(k) \\ é ✓ 𝄞 <&>")
        }
        return e
    }

    /// Writes `events` with the writer and returns the file bytes.
    static func write(_ events: [WindowsEvent], layout: EVTXWriter.EventDataLayout = .flat) throws -> [UInt8] {
        let out = EVTXMemoryOutput()
        let writer = try EVTXWriter(output: out)
        writer.layout = layout
        for e in events { try writer.append(e) }
        try writer.finish()
        return out.bytes
    }

    /// Reads all items from `bytes`.
    static func read(_ bytes: [UInt8], maxRead: Int = .max) throws -> [EVTXItem] {
        var items: [EVTXItem] = []
        try EVTXReader().read(from: EVTXMemoryInput(bytes, maxRead: maxRead)) { items.append($0); return true }
        return items
    }

    static func events(_ items: [EVTXItem]) -> [WindowsEvent] {
        items.compactMap { if case .event(let e, _, _) = $0 { return e } else { return nil } }
    }

    static func damaged(_ items: [EVTXItem]) -> [String] {
        items.compactMap { if case .damaged(_, let r) = $0 { return r } else { return nil } }
    }

    static func notes(_ items: [EVTXItem]) -> [EVTXNote] {
        items.compactMap { if case .note(let n) = $0 { return n } else { return nil } }
    }

    static func u64(_ b: [UInt8], _ o: Int) -> UInt64 {
        (0 ..< 8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * UInt64($1)) }
    }

    /// File offsets of the chunks of a file written by `write`.
    static func chunkOffsets(_ b: [UInt8]) -> [Int] {
        Array(stride(from: 4096, to: b.count, by: 65536))
    }

    /// How many records the header of the chunk at `c` says it holds (last − first record number + 1).
    static func recordCount(_ b: [UInt8], chunkAt c: Int) -> Int {
        Int(u64(b, c + 16) - u64(b, c + 8)) + 1
    }

    /// File offsets of the records of the chunk at `c`, following their size fields from
    /// offset 512 to the header's free space offset (of a file as `write` produced it).
    static func recordOffsets(_ b: [UInt8], chunkAt c: Int) -> [Int] {
        var offsets: [Int] = []
        var p = c + 512
        while p < c + Int(u32(b, c + 48)) {
            offsets.append(p)
            p += Int(u32(b, p + 4))
        }
        return offsets
    }

    /// Little-endian field access on file bytes.
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        (0 ..< 4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * UInt32($1)) }
    }

    static func put32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) {
        for k in 0 ..< 4 { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
    }

    /// Recomputes the header checksum of the chunk at file offset `c`.
    static func fixChunkHeaderChecksum(_ b: inout [UInt8], chunkAt c: Int) {
        let crc = b.withUnsafeBytes {
            EVTXCRC32.update(EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[c ..< c + 120])),
                             UnsafeRawBufferPointer(rebasing: $0[c + 128 ..< c + 512]))
        }
        put32(&b, c + 124, crc)
    }

    /// Recomputes the records checksum and then the header checksum of the chunk at `c`.
    static func fixChunkChecksums(_ b: inout [UInt8], chunkAt c: Int) {
        let free = min(max(Int(u32(b, c + 48)), 512), 65536)
        if c + free <= b.count {
            let crc = b.withUnsafeBytes { EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[c + 512 ..< c + free])) }
            put32(&b, c + 52, crc)
        }
        fixChunkHeaderChecksum(&b, chunkAt: c)
    }

    static func fixFileHeaderChecksum(_ b: inout [UInt8]) {
        let crc = b.withUnsafeBytes { EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0 ..< 120])) }
        put32(&b, 124, crc)
    }

    /// A small deterministic generator (SplitMix64) for fuzzing with a fixed seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
