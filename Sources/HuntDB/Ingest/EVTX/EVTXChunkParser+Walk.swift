import Model

extension EVTXChunkParser {
    /// Follows the records from offset 512 to the free space offset (and past it while the record
    /// identifiers continue), as the chunk header describes them.
    mutating func walk(freeSpace: Int, firstRecordID: UInt64) {
        var p = Self.headerSize
        var lastID: UInt64?
        while p + EVTXRecordFraming.headerSize <= bytes.count {
            let inDeclaredArea = p < freeSpace
            let at = fileOffset + Int64(p)
            let framing = EVTXRecordFraming(bytes, at: p)
            guard case .record(let size, let copyMissing) = framing else {
                guard inDeclaredArea else { break }   // slack space after the last record
                if case .cutOff = framing { return }   // the reader reports the truncation
                let next = EVTXRecordFraming.resync(bytes, from: p + 1, limit: freeSpace)
                reject(at: p, "record at offset \(at) in \(label): \(framing.problem); skipped \((next ?? freeSpace) - p) bytes")
                guard let n = next else { break }
                p = n
                continue
            }
            let id = bytes.u64Unchecked(p + 8)
            if !inDeclaredArea, id != (lastID.map { $0 &+ 1 } ?? firstRecordID) { break }
            let timeProblem = copyMissing ? EVTXRecordFraming.implausibleTime(bytes, at: p) : nil
            switch timeProblem.map({ .failure(EVTXDecodeFailure($0)) }) ?? decode(at: p, size: size) {
            case .success(let event):
                deliver(event, at: p, copyMissing: copyMissing)
                lastID = id
                p += size
            case .failure(let failure):
                guard inDeclaredArea else { return }
                guard copyMissing else {
                    reject(at: p, "record \(id) at offset \(at) in \(label): \(failure.reason)")
                    p += size
                    continue
                }
                // Without its size copy the size field is unconfirmed: look for the next record
                // rather than trust it.
                let next = EVTXRecordFraming.resync(bytes, from: p + 1, limit: freeSpace)
                reject(at: p, "record \(id) at offset \(at) in \(label): its trailing size copy is 0 and \(failure.reason); skipped \((next ?? freeSpace) - p) bytes")
                guard let n = next else { return }
                p = n
            }
        }
    }
}
