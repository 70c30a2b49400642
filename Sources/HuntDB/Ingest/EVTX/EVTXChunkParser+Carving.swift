import Model

extension EVTXChunkParser {
    /// Decoding work one carved chunk may spend in all (eight records' worth): garbage full of
    /// record signatures cannot make carving slow.
    static let carvingWork = 8 * BinXMLDecoder.workPerRecord

    /// Recovers the records of a chunk whose header cannot be trusted (`reason` says why) by
    /// scanning it once for the record signature. A candidate counts when it frames (size within
    /// the chunk, trailing size copy equal or 0), its written time is plausible and its BinXML
    /// decodes, with every template it uses resolved to a definition that carries its
    /// identifier; the scan then resumes after it. A candidate that frames but fails is a lost
    /// record, reported with its reason; other signature matches are not records and are passed
    /// over. When the identifiers of two carved records leave a gap that neither rejected
    /// candidates nor the bytes between them account for, the missing records are reported as
    /// one damaged region. Nothing carved and nothing framed: the chunk is one damaged item.
    mutating func carve(because reason: String) {
        decoder.verifiesTemplateIdentifiers = true
        var work = Self.carvingWork
        var framed = 0
        var previous: (id: UInt64, end: Int)?
        var rejectedSincePrevious: Set<UInt64> = []
        var p = 0
        while p + EVTXRecordFraming.minimumSize <= bytes.count {
            guard bytes.base[p] == 0x2A, case .record(let size, let copyMissing) = EVTXRecordFraming(bytes, at: p) else {
                p += 1
                continue
            }
            framed += 1
            let id = bytes.u64Unchecked(p + 8)
            let context = "record \(id) at offset \(fileOffset + Int64(p)), carved from \(label) (\(reason))"
            if let problem = EVTXRecordFraming.implausibleTime(bytes, at: p) {
                reject(at: p, "\(context): \(problem)")
                rejectedSincePrevious.insert(id)
                p += 1
                continue
            }
            guard work > 0 else {
                reject(at: p, "\(label) (\(reason)): carving stopped at offset \(fileOffset + Int64(p)) after the work limit for one chunk; the rest of the chunk is lost")
                return
            }
            let result = decode(at: p, size: size)
            work -= decoder.lastRecordWork
            switch result {
            case .success(let event):
                if let previous {
                    reportGap(after: previous, before: (id, p), rejected: rejectedSincePrevious, reason: reason)
                }
                deliver(event, at: p, copyMissing: copyMissing)
                previous = (id, p + size)
                rejectedSincePrevious.removeAll()
                p += size
            case .failure(let failure):
                reject(at: p, "\(context): \(failure.reason)")
                rejectedSincePrevious.insert(id)
                p += 1
            }
        }
        if framed == 0 {
            reject(at: 0, "\(label): \(reason), and no record could be carved from it")
        }
    }

    /// Reports each record missing between two carved records whose identifiers are not
    /// consecutive (other than those already rejected), when the bytes between could have held
    /// them: one damaged item per missing identifier, so the file's counts include them.
    private mutating func reportGap(after previous: (id: UInt64, end: Int), before next: (id: UInt64, offset: Int),
                                    rejected: Set<UInt64>, reason: String) {
        guard next.id > previous.id &+ 1, next.id > previous.id else { return }
        let skipped = next.id - previous.id - 1
        guard skipped <= UInt64(max(next.offset - previous.end, 0) / EVTXRecordFraming.minimumSize) else { return }
        let from = fileOffset + Int64(previous.end), to = fileOffset + Int64(next.offset)
        for id in previous.id + 1 ..< next.id where !rejected.contains(id) {
            reject(at: previous.end, "record \(id) is missing from \(label) (\(reason)): the bytes at offsets \(from) ..< \(to), between records \(previous.id) and \(next.id), hold no valid record")
        }
    }
}
