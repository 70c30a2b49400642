import Model

/// Parses one 64 KiB chunk (or the part of it present before a truncation) into events, damaged
/// regions and notes, in chunk order.
///
/// Policy:
/// - an all-zero chunk is unused space and yields nothing;
/// - a chunk whose header checksum fails is still read when its layout fields hold together
///   (`EVTXChunkHeader.layoutProblem`): the mismatch becomes a note, and records are validated
///   one by one as in any chunk;
/// - a chunk without the "ElfChnk\0" signature, or whose header fails its checksum and its
///   layout checks, is carved (`carve`): its records are found by their signature and size
///   fields and each is validated on its own; a note reports what was carved, and a chunk from
///   which nothing could be carved is one `.damaged` item, as before;
/// - the event records checksum does not decide anything by itself: Windows updates it lazily,
///   so the last chunk of a dirty file often carries a stale value. When it fails in a file that
///   is not marked dirty, the note says so;
/// - the record walk (`walk`) follows the records from offset 512: records past the header's
///   free space offset are accepted only when they continue the record identifiers exactly (or
///   start at the header's first record identifier) and decode (a dirty chunk whose header lags
///   behind its records); anything else there is slack space and is ignored silently. Inside the
///   declared record area a record that cannot be framed is reported and the walk
///   resynchronizes on the next plausible record signature; a record whose BinXML does not
///   decode is reported and skipped;
/// - a record whose trailing size copy is 0 (written last by Windows) is read when its written
///   time is plausible and its BinXML decodes, and the note says so.
struct EVTXChunkParser {
    static let chunkSize = 65536
    static let headerSize = 512

    /// One parsed item with a file offset; numbers are assigned by the reader.
    enum Item {
        case event(WindowsEvent, offset: Int64)
        case damaged(offset: Int64, reason: String)
        case note(EVTXNote)
    }

    let bytes: EVTXBytes
    let fileOffset: Int64
    /// "chunk 3 at offset 200704", the start of every message about this chunk.
    let label: String
    var decoder: BinXMLDecoder
    var items: [Item] = []
    var recordsRead = 0
    /// File offsets of the records read although their trailing size copy was 0.
    var recordsWithoutSizeCopy: [Int64] = []

    private init(_ bytes: EVTXBytes, index: Int, fileOffset: Int64) {
        self.bytes = bytes
        self.fileOffset = fileOffset
        label = "chunk \(index) at offset \(fileOffset)"
        decoder = BinXMLDecoder(bytes: bytes)
    }

    /// Parses `chunk` (65536 bytes, or fewer when the file ends inside it), chunk number `index`
    /// (0-based) at file offset `fileOffset`.
    static func parse(_ chunk: UnsafeRawBufferPointer, index: Int, fileOffset: Int64, fileIsDirty: Bool) -> [Item] {
        let b = EVTXBytes(chunk)
        if b.isZero(0, b.count) { return [] }
        guard b.count >= headerSize else { return [] }   // the reader reports the truncation
        var parser = EVTXChunkParser(b, index: index, fileOffset: fileOffset)
        let header = EVTXChunkHeader(chunk)
        var problems: [String] = []
        if !header.hasSignature {
            problems.append("the chunk signature is missing")
        } else if !header.checksumMatches {
            problems.append("header checksum mismatch" + (header.layoutProblem.map { " and \($0)" } ?? ""))
        }
        let carving = !header.hasSignature || (!header.checksumMatches && header.layoutProblem != nil)
        if carving {
            parser.carve(because: problems.joined(separator: "; "))
        } else {
            if !fileIsDirty, header.recordsChecksumMatches == false {
                problems.append("event records checksum mismatch in a file not marked dirty")
            }
            parser.walk(freeSpace: header.freeSpace, firstRecordID: header.firstRecordID)
        }
        if let note = parser.note(problems: problems, carved: carving) {
            parser.items.insert(.note(note), at: 0)
        }
        return parser.items
    }

    /// The note for this chunk, or nil when nothing is worth one (or nothing was recovered from
    /// a carved chunk, which `carve` reports as damaged).
    private func note(problems: [String], carved: Bool) -> EVTXNote? {
        var facts = problems
        if carved {
            guard recordsRead > 0 else { return nil }
            facts.append("\(recordsRead) record\(recordsRead == 1 ? "" : "s") carved by their record signature and size fields, each validated on its own")
        } else if !problems.isEmpty {
            facts.append("its records were read one by one and each validated (\(recordsRead) read); they may hold altered bytes")
        }
        if let first = recordsWithoutSizeCopy.first {
            let count = recordsWithoutSizeCopy.count
            facts.append("\(count) record\(count == 1 ? "" : "s") without a trailing size copy read by \(count == 1 ? "its" : "their") own structure (the first at offset \(first))")
        }
        guard !facts.isEmpty else { return nil }
        return EVTXNote(offset: fileOffset, records: recordsRead, carved: carved, text: "\(label): " + facts.joined(separator: "; "))
    }

    /// Decodes the record framed at `p` (`size` bytes) into an event, or the reason it fails.
    mutating func decode(at p: Int, size: Int) -> Result<WindowsEvent, EVTXDecodeFailure> {
        do {
            return .success(try decoder.decodeRecord(from: p + EVTXRecordFraming.headerSize, to: p + size - 4))
        } catch let failure as EVTXDecodeFailure {
            return .failure(failure)
        } catch {
            return .failure(EVTXDecodeFailure("\(error)"))
        }
    }

    mutating func deliver(_ event: WindowsEvent, at p: Int, copyMissing: Bool) {
        items.append(.event(event, offset: fileOffset + Int64(p)))
        recordsRead += 1
        if copyMissing { recordsWithoutSizeCopy.append(fileOffset + Int64(p)) }
    }

    mutating func reject(at p: Int, _ reason: String) {
        items.append(.damaged(offset: fileOffset + Int64(p), reason: reason))
    }
}
