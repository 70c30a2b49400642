import Model

/// Parses one 64 KiB chunk (or the part of it present before a truncation) into events and
/// damaged regions, in chunk order.
///
/// Policy:
/// - an all-zero chunk is unused space and yields nothing;
/// - a chunk without the "ElfChnk\0" signature, or whose header checksum (CRC32 of bytes 0..<120
///   and 128..<512) fails, is reported as one `.damaged` item and skipped;
/// - the event records checksum (CRC32 of bytes 512 ..< free space offset) does not decide
///   anything by itself: Windows updates it lazily, so the last chunk of a dirty file often carries
///   a stale value. Records are validated one by one (signature, size within the chunk, size copy,
///   BinXML that decodes). When the checksum fails in a file that is not marked dirty, one
///   `.damaged` note precedes the chunk's records, which are still delivered;
/// - records past the header's free space offset are accepted only when they continue the record
///   identifiers exactly (or start at the header's first record identifier) and decode (a dirty chunk whose header lags behind its records); anything
///   else there is slack space and is ignored silently;
/// - inside the declared record area a record that cannot be framed is reported and the parser
///   resynchronizes on the next plausible record signature; a record whose BinXML does not decode
///   is reported and skipped.
struct EVTXChunkParser {
    static let chunkSize = 65536
    static let headerSize = 512
    static let signature: [UInt8] = Array("ElfChnk\0".utf8)

    /// One parsed item with a file offset; numbers are assigned by the reader.
    enum Item {
        case event(WindowsEvent, offset: Int64)
        case damaged(offset: Int64, reason: String)
    }

    /// Parses `chunk` (65536 bytes, or fewer when the file ends inside it), chunk number `index`
    /// (0-based) at file offset `fileOffset`.
    static func parse(_ chunk: UnsafeRawBufferPointer, index: Int, fileOffset: Int64, fileIsDirty: Bool) -> [Item] {
        let b = EVTXBytes(chunk)
        let label = "chunk \(index) at offset \(fileOffset)"
        var items: [Item] = []
        if b.isZero(0, b.count) { return items }
        guard b.count >= headerSize else { return items }   // the reader reports the truncation
        guard signature.indices.allSatisfy({ b.base[$0] == signature[$0] }) else {
            return [.damaged(offset: fileOffset, reason: "\(label): the chunk signature is missing")]
        }
        let stored = b.u32Unchecked(124)
        let computed = EVTXCRC32.update(EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: chunk[0 ..< 120])),
                                        UnsafeRawBufferPointer(rebasing: chunk[128 ..< 512]))
        guard stored == computed else {
            return [.damaged(offset: fileOffset, reason: "\(label): header checksum mismatch")]
        }
        let freeSpace = min(max(Int(b.u32Unchecked(48)), headerSize), chunkSize)
        if freeSpace <= b.count, !fileIsDirty {
            let records = EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: chunk[headerSize ..< freeSpace]))
            if records != b.u32Unchecked(52) {
                items.append(.damaged(offset: fileOffset, reason: "\(label): event records checksum mismatch in a file not marked dirty; its records were recovered one by one and may hold altered bytes"))
            }
        }
        var decoder = BinXMLDecoder(bytes: b)
        var p = headerSize
        var lastID: UInt64?
        while p + 24 <= b.count {
            let inDeclaredArea = p < freeSpace
            let framing = frame(b, at: p)
            guard case .record(let size) = framing else {
                guard inDeclaredArea else { break }   // slack space after the last record
                let next = resync(b, from: p + 1, limit: freeSpace)
                let reason: String
                switch framing {
                case .badSignature: reason = "no record signature"
                case .sizeExceedsChunk(let size): reason = "size field \(size) exceeds the chunk"
                case .sizeCopyMismatch(let size, let copy): reason = "size field \(size) does not match its copy \(copy)"
                case .cutOff, .record: reason = "the record is cut off by the end of the file"
                }
                if case .cutOff = framing { return items }   // the reader reports the truncation
                items.append(.damaged(offset: fileOffset + Int64(p),
                                      reason: "record at offset \(fileOffset + Int64(p)) in \(label): \(reason); skipped \((next ?? freeSpace) - p) bytes"))
                guard let n = next else { break }
                p = n
                continue
            }
            let id = b.u64Unchecked(p + 8)
            if !inDeclaredArea, id != (lastID.map { $0 &+ 1 } ?? b.u64Unchecked(24)) { break }
            do {
                let event = try decoder.decodeRecord(from: p + 24, to: p + size - 4)
                items.append(.event(event, offset: fileOffset + Int64(p)))
                lastID = id
            } catch let failure as EVTXDecodeFailure {
                guard inDeclaredArea else { break }
                items.append(.damaged(offset: fileOffset + Int64(p),
                                      reason: "record \(id) at offset \(fileOffset + Int64(p)) in \(label): \(failure.reason)"))
            } catch {
                guard inDeclaredArea else { break }
                items.append(.damaged(offset: fileOffset + Int64(p), reason: "record \(id) at offset \(fileOffset + Int64(p)) in \(label): \(error)"))
            }
            p += size
        }
        return items
    }

    enum Framing {
        case record(size: Int)
        case badSignature
        case sizeExceedsChunk(UInt32)
        case sizeCopyMismatch(UInt32, UInt32)
        case cutOff
    }

    /// Checks the record framing at `p`: signature, size within the chunk, and the size copy.
    static func frame(_ b: EVTXBytes, at p: Int) -> Framing {
        guard b.contains(p, 8) else { return .cutOff }
        guard b.u32Unchecked(p) == 0x0000_2A2A else { return .badSignature }
        let size = b.u32Unchecked(p + 4)
        guard size >= 28, Int(size) <= chunkSize - p else { return .sizeExceedsChunk(size) }
        guard b.contains(p, Int(size)) else { return .cutOff }
        let copy = b.u32Unchecked(p + Int(size) - 4)
        guard copy == size else { return .sizeCopyMismatch(size, copy) }
        return .record(size: Int(size))
    }

    /// The offset of the next well-framed record in `from ..< limit`, if any.
    static func resync(_ b: EVTXBytes, from: Int, limit: Int) -> Int? {
        var q = from
        while q + 28 <= min(limit, b.count) {
            if b.base[q] == 0x2A, case .record = frame(b, at: q) { return q }
            q += 1
        }
        return nil
    }
}
