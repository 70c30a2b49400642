import Model

/// What the 512-byte header of one chunk says, and whether it can be trusted: its signature, its
/// checksum (CRC32 of bytes 0..<120 and 128..<512), the event records checksum (CRC32 of bytes
/// 512 ..< free space offset), and whether its layout fields are consistent with each other.
struct EVTXChunkHeader {
    static let signature: [UInt8] = Array("ElfChnk\0".utf8)

    let hasSignature: Bool
    let checksumMatches: Bool
    /// Nil when the free space offset lies past the bytes present (a truncated chunk).
    let recordsChecksumMatches: Bool?
    /// The free space offset, clamped to the record area.
    let freeSpace: Int
    let firstRecordID: UInt64
    /// Why the layout fields contradict each other, or nil when they hold.
    let layoutProblem: String?

    /// Reads the header of `chunk` (at least 512 bytes).
    init(_ chunk: UnsafeRawBufferPointer) {
        let b = EVTXBytes(chunk)
        let headerSize = EVTXChunkParser.headerSize
        hasSignature = Self.signature.indices.allSatisfy { b.base[$0] == Self.signature[$0] }
        let computed = EVTXCRC32.update(EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: chunk[0 ..< 120])),
                                        UnsafeRawBufferPointer(rebasing: chunk[128 ..< headerSize]))
        checksumMatches = computed == b.u32Unchecked(124)
        let declaredFree = Int(b.u32Unchecked(48))
        freeSpace = min(max(declaredFree, headerSize), EVTXChunkParser.chunkSize)
        if freeSpace <= b.count {
            let records = EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: chunk[headerSize ..< freeSpace]))
            recordsChecksumMatches = records == b.u32Unchecked(52)
        } else {
            recordsChecksumMatches = nil
        }
        firstRecordID = b.u64Unchecked(24)
        layoutProblem = Self.layoutProblem(b, declaredFree: declaredFree)
    }

    /// Checks the fields the record walk relies on against each other: the header size, the
    /// free space offset, the last record's offset, and the record number and identifier ranges.
    private static func layoutProblem(_ b: EVTXBytes, declaredFree: Int) -> String? {
        let headerSize = b.u32Unchecked(40)
        guard headerSize == 128 else { return "its header size field is \(headerSize), not 128" }
        guard (EVTXChunkParser.headerSize ... EVTXChunkParser.chunkSize).contains(declaredFree) else {
            return "its free space offset \(declaredFree) lies outside the record area"
        }
        let lastRecord = Int(b.u32Unchecked(44))
        if declaredFree > EVTXChunkParser.headerSize, !(EVTXChunkParser.headerSize ..< declaredFree).contains(lastRecord) {
            return "its last record offset \(lastRecord) lies outside the records (512 ..< \(declaredFree))"
        }
        guard b.u64Unchecked(8) <= b.u64Unchecked(16), b.u64Unchecked(24) <= b.u64Unchecked(32) else {
            return "its first record number or identifier exceeds the last"
        }
        return nil
    }
}
