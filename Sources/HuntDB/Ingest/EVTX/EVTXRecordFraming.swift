import Model

/// How the bytes at one chunk offset frame an event record: the signature "**\0\0", a size that
/// stays inside the chunk, and the trailing copy of that size.
///
/// A trailing copy of 0 is accepted as `.record(size:, copyMissing: true)`: Windows writes the
/// copy last, so the last record of a chunk that was being written when the file was copied can
/// lack it. Such a record is kept only when the rest of its own structure holds (a plausible
/// written time, BinXML that decodes); see `EVTXChunkParser`.
enum EVTXRecordFraming {
    case record(size: Int, copyMissing: Bool)
    case badSignature
    case sizeExceedsChunk(UInt32)
    case sizeCopyMismatch(UInt32, UInt32)
    case cutOff

    static let signature: UInt32 = 0x0000_2A2A
    /// Signature, size, record identifier and written time.
    static let headerSize = 24
    /// The header plus the trailing size copy.
    static let minimumSize = 28
    /// Written times accepted for a record that cannot be vouched for by its chunk:
    /// 2000-01-01 up to 2100-01-01, as FILETIME ticks.
    static let plausibleTimes: Range<UInt64> = 125_911_584_000_000_000 ..< 157_469_184_000_000_000

    /// Frames the record that starts at chunk offset `p`.
    init(_ b: EVTXBytes, at p: Int) {
        guard b.contains(p, 8) else { self = .cutOff; return }
        guard b.u32Unchecked(p) == Self.signature else { self = .badSignature; return }
        let size = b.u32Unchecked(p + 4)
        guard size >= Self.minimumSize, Int(size) <= EVTXChunkParser.chunkSize - p else { self = .sizeExceedsChunk(size); return }
        guard b.contains(p, Int(size)) else { self = .cutOff; return }
        let copy = b.u32Unchecked(p + Int(size) - 4)
        if copy == size {
            self = .record(size: Int(size), copyMissing: false)
        } else if copy == 0 {
            self = .record(size: Int(size), copyMissing: true)
        } else {
            self = .sizeCopyMismatch(size, copy)
        }
    }

    /// Why the bytes do not frame a record (empty for a record).
    var problem: String {
        switch self {
        case .record: return ""
        case .badSignature: return "no record signature"
        case .sizeExceedsChunk(let size): return "size field \(size) exceeds the chunk"
        case .sizeCopyMismatch(let size, let copy): return "size field \(size) does not match its copy \(copy)"
        case .cutOff: return "the record is cut off by the end of the file"
        }
    }

    /// The offset of the next well-framed record in `from ..< limit`, if any.
    static func resync(_ b: EVTXBytes, from: Int, limit: Int) -> Int? {
        var q = from
        while q + minimumSize <= min(limit, b.count) {
            if b.base[q] == 0x2A, case .record = EVTXRecordFraming(b, at: q) { return q }
            q += 1
        }
        return nil
    }

    /// Why the written time of the record at `p` (already framed) is implausible, or nil.
    static func implausibleTime(_ b: EVTXBytes, at p: Int) -> String? {
        let ticks = b.u64Unchecked(p + 16)
        guard !plausibleTimes.contains(ticks) else { return nil }
        return "its written time \(ticks) (FILETIME) lies outside 2000–2099"
    }
}
