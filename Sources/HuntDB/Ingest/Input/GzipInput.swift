import CZlib
import Model

/// Decompresses a gzip stream (several members in a row are read as one stream, like `zcat`).
public final class GzipInput: ByteInput {
    private let source: ByteInput
    private let path: String
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var sourceDone = false
    private var memberDone = false
    private var compressedOffset: Int64 = 0
    /// Zero bytes after the last member, up to the end of the input (block padding from tape,
    /// `dd` or some collectors), passed over as `gzip -d` does.
    private(set) var trailingZeroBytes: Int64 = 0

    /// - Parameter prefix: bytes already read from `source` (e.g. while sniffing the format).
    init(source: ByteInput, path: String, prefix: [UInt8]) throws {
        self.source = source
        self.path = path
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 16)
        let rc = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            input.deallocate()
            throw IngestError(path: path, "cannot start gzip decompression (zlib error \(rc))")
        }
        if !prefix.isEmpty {
            prefix.withUnsafeBytes { input.copyMemory(from: $0) }
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(prefix.count)
            compressedOffset = Int64(prefix.count)
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// The first failure: every later read throws it again (a damaged stream stays damaged).
    private var failure: IngestError?

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let failure { throw failure }
        do {
            return try decompress(into: buffer)
        } catch let error as IngestError {
            failure = error
            throw error
        }
    }

    /// Consumes the zero bytes after the last member through the end of the input.
    /// - Throws: when anything else follows them: that is damage, not padding.
    private func skipZeroPadding() throws {
        while true {
            while stream.avail_in > 0 {
                guard stream.next_in[0] == 0 else {
                    throw IngestError(path: path, "corrupt gzip data near compressed byte \(compressedOffset - Int64(stream.avail_in)): data after \(trailingZeroBytes) bytes of zero padding")
                }
                trailingZeroBytes += 1
                stream.next_in += 1
                stream.avail_in -= 1
            }
            let n = try source.read(into: input)
            if n == 0 {
                sourceDone = true
                return
            }
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(n)
            compressedOffset += Int64(n)
        }
    }

    private func decompress(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(buffer.count)
        while stream.avail_out == uInt(buffer.count) {
            if stream.avail_in == 0, !sourceDone {
                let n = try source.read(into: input)
                if n == 0 { sourceDone = true } else {
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(n)
                    compressedOffset += Int64(n)
                }
            }
            if stream.avail_in == 0, sourceDone {
                if memberDone { return 0 }
                throw IngestError(path: path, "the gzip stream is truncated (it ends without its trailer after \(compressedOffset) compressed bytes)")
            }
            if memberDone {
                if stream.next_in[0] == 0 {
                    try skipZeroPadding()
                    return 0
                }
                // Another gzip member follows the last one.
                inflateReset(&stream)
                memberDone = false
            }
            let rc = inflate(&stream, Z_NO_FLUSH)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                memberDone = true
                if stream.avail_in == 0, sourceDone { return buffer.count - Int(stream.avail_out) }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw IngestError(path: path, "corrupt gzip data near compressed byte \(compressedOffset - Int64(stream.avail_in)): \(message)")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }
}
