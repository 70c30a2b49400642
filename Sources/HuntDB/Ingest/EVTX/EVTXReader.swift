import Dispatch
import Model

/// Reads an EVTX file sequentially from a `ByteInput` (which need not be seekable) and delivers
/// its events, damaged regions and notes (problems that lost nothing) in file order.
///
/// Memory stays bounded whatever the file size: the reader holds one batch of 64 KiB chunks
/// (`chunksPerBatch`, 16 by default, so 1 MiB) plus the events decoded from that batch. Chunks are
/// independent, so each batch is decoded on all cores and then delivered in order.
public struct EVTXReader {
    static let fileHeaderSize = EVTXFileLayout.fileHeaderSize
    static let fileSignature = EVTXFileLayout.fileSignature

    /// How many chunks are read and decoded together.
    public var chunksPerBatch = 16

    public init() {}

    /// Whether these first bytes are an EVTX file signature ("ElfFile\0").
    public static func looksLikeEVTX(_ prefix: UnsafeRawBufferPointer) -> Bool {
        prefix.count >= 8 && (0 ..< 8).allSatisfy { prefix[$0] == fileSignature[$0] }
    }

    /// Calls `handle` for every record / damaged region / note in file order; stops early when `handle`
    /// returns false. Throws `EVTXError` when the input is not an EVTX file or cannot be read, and
    /// rethrows errors from `handle`.
    public func read(from input: ByteInput, handle: (EVTXItem) throws -> Bool) throws {
        var header = [UInt8](repeating: 0, count: Self.fileHeaderSize)
        let headerLength = try Self.fill(input, &header, count: Self.fileHeaderSize)
        let isEVTX = header.withUnsafeBytes { Self.looksLikeEVTX(UnsafeRawBufferPointer(rebasing: $0[0 ..< min(8, headerLength)])) }
        guard isEVTX else {
            throw EVTXError("The input is not an EVTX file: it does not start with the signature \"ElfFile\".")
        }
        guard headerLength >= 128 else {
            throw EVTXError("The EVTX file header is unreadable: the input ends after \(headerLength) bytes.")
        }
        let (checksumOK, flags, declaredChunks) = header.withUnsafeBytes { raw -> (Bool, UInt32, Int) in
            let b = EVTXBytes(raw)
            let computed = EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[0 ..< 120]))
            return (computed == b.u32Unchecked(124), b.u32Unchecked(120), Int(b.u16Unchecked(42)))
        }
        if !checksumOK {
            let text = "file header at offset 0: checksum mismatch; the chunks are read regardless"
            guard try handle(.note(EVTXNote(offset: 0, text: text))) else { return }
        }
        if headerLength < Self.fileHeaderSize {
            _ = try handle(.damaged(offset: Int64(headerLength),
                                   reason: "the file is truncated at offset \(headerLength), inside the 4096-byte file header"))
            return
        }
        let chunks = try readChunks(from: input, fileIsDirty: flags & 1 != 0, handle: handle)
        if let chunks, checksumOK, chunks < declaredChunks {
            let end = Int64(Self.fileHeaderSize) + Int64(chunks) * Int64(EVTXChunkParser.chunkSize)
            _ = try handle(.damaged(offset: end, reason: "the file ends at offset \(end) after \(chunks) chunks, but its header declares \(declaredChunks); it is probably truncated"))
        }
    }

    /// Reads and delivers the chunks; returns how many whole chunks the file held, or nil when
    /// reading stopped early or the file ended inside a chunk (already reported).
    private func readChunks(from input: ByteInput, fileIsDirty: Bool, handle: (EVTXItem) throws -> Bool) throws -> Int? {
        let size = EVTXChunkParser.chunkSize
        let batch = max(1, chunksPerBatch)
        var buffers = [[UInt8]](repeating: [UInt8](repeating: 0, count: size), count: batch)
        var lengths = [Int](repeating: 0, count: batch)
        var chunkIndex = 0
        var number: Int64 = 0
        var atEnd = false
        while !atEnd {
            var count = 0
            while count < batch {
                let length = try Self.fill(input, &buffers[count], count: size)
                if length == 0 { atEnd = true; break }
                lengths[count] = length
                count += 1
                if length < size { atEnd = true; break }
            }
            if count == 0 { break }
            let firstIndex = chunkIndex
            var results = [[EVTXChunkParser.Item]](repeating: [], count: count)
            let chunks = buffers, chunkLengths = lengths
            results.withUnsafeMutableBufferPointer { buffer in
                let out = buffer
                let parse = { (i: Int) in
                    let index = firstIndex + i
                    let offset = Int64(Self.fileHeaderSize) + Int64(index) * Int64(size)
                    out[i] = chunks[i].withUnsafeBytes { raw in
                        EVTXChunkParser.parse(UnsafeRawBufferPointer(rebasing: raw[0 ..< chunkLengths[i]]), index: index,
                                              fileOffset: offset, fileIsDirty: fileIsDirty)
                    }
                }
                if count == 1 { parse(0) } else { DispatchQueue.concurrentPerform(iterations: count, execute: parse) }
            }
            for i in 0 ..< count {
                for item in results[i] {
                    let delivered: EVTXItem
                    switch item {
                    case .event(let event, let offset):
                        number += 1
                        delivered = .event(event, number: number, offset: offset)
                    case .damaged(let offset, let reason):
                        delivered = .damaged(offset: offset, reason: reason)
                    case .note(let note):
                        delivered = .note(note)
                    }
                    guard try handle(delivered) else { return nil }
                }
                results[i] = []
                if lengths[i] < size {
                    let chunkOffset = Int64(Self.fileHeaderSize) + Int64(firstIndex + i) * Int64(size)
                    let end = chunkOffset + Int64(lengths[i])
                    let reason = "the file is truncated at offset \(end), inside chunk \(firstIndex + i) at offset \(chunkOffset); the records from there on are lost"
                    _ = try handle(.damaged(offset: end, reason: reason))
                    return nil
                }
            }
            chunkIndex += count
        }
        return chunkIndex
    }

    /// Reads until `count` bytes are in `buffer` or the input ends; returns how many were read.
    static func fill(_ input: ByteInput, _ buffer: inout [UInt8], count: Int) throws -> Int {
        var total = 0
        try buffer.withUnsafeMutableBytes { raw in
            while total < count {
                let n = try input.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[total ..< count]))
                if n <= 0 { break }
                total += min(n, count - total)
            }
        }
        return total
    }
}
