import CZlib
import Foundation
import Model

/// Where a corpus goes: a file or standard output, optionally gzip-compressed.
///
/// Compression and the `write(2)` calls run on a background thread, so rendering the next
/// chunk overlaps writing the last one; chunks are copied into a small pool of buffers.
///
/// ```swift
/// let output = try CorpusOutput(path: "corpus.json.gz", gzip: true)
/// var sink = CorpusDialect.sysmonFlat.makeSink(output: output)
/// ```
public final class CorpusOutput {
    /// The path as given; `-` for standard output.
    public let path: String
    /// Bytes written to the file or stdout (compressed bytes with gzip).
    public private(set) var bytesWritten: Int64 = 0
    /// Bytes of uncompressed corpus handed to the output.
    public private(set) var bytesRendered: Int64 = 0
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var deflater: UnsafeMutablePointer<z_stream>?
    private var compressed: UnsafeMutablePointer<UInt8>?
    private static let compressedCapacity = 1 << 18
    private var closed = false
    private let full = BoundedQueue<ByteBuffer>(capacity: 3)
    private let empty = BoundedQueue<ByteBuffer>(capacity: 4)
    private let writerDone = DispatchSemaphore(value: 0)
    private let failure = FailureBox()
    private var writerStarted = false

    /// Opens (creating or truncating) `path`, or standard output for nil or `-`.
    /// - Parameter gzipLevel: zlib level 1 (fastest) to 9 (smallest), used with `gzip`.
    /// - Throws: `CorpusError.output` when the file cannot be created or zlib cannot start.
    public init(path: String?, gzip: Bool = false, gzipLevel: Int32 = 1) throws(CorpusError) {
        self.path = path ?? "-"
        if let path, path != "-" {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .output(path: path, reason: String(cString: strerror(errno))) }
            ownsDescriptor = true
        } else {
            fd = 1
            ownsDescriptor = false
        }
        guard gzip else { return }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16: a gzip wrapper (header with mtime 0, so the output is reproducible).
        let rc = deflateInit2_(stream, gzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            if ownsDescriptor { _ = Foundation.close(fd) }
            throw .output(path: self.path, reason: "zlib could not start compressing (error \(rc))")
        }
        deflater = stream
        compressed = .allocate(capacity: Self.compressedCapacity)
    }

    deinit {
        if let deflater {
            deflateEnd(deflater)
            deflater.deallocate()
        }
        compressed?.deallocate()
        if !closed {
            full.close()
            if writerStarted { writerDone.wait() }
            if ownsDescriptor { _ = Foundation.close(fd) }
        }
    }

    /// Writes rendered bytes (compressing them first with gzip) on the writer thread.
    /// - Throws: `CorpusError.output` on a write error (disk full, closed pipe) — possibly the
    ///   error of an earlier chunk, since writing runs behind.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(CorpusError) {
        if let error = failure.error { throw error }
        guard !bytes.isEmpty else { return }
        bytesRendered += Int64(bytes.count)
        var chunk = try recycledBuffer()
        chunk.append(bytes)
        full.push(chunk)
    }

    /// Hands a rendered buffer to the writer thread and gives back an empty one in its place
    /// (no copy).
    func submit(_ buffer: inout ByteBuffer) throws(CorpusError) {
        if let error = failure.error { throw error }
        guard buffer.count > 0 else { return }
        bytesRendered += Int64(buffer.count)
        var chunk = try recycledBuffer()
        swap(&chunk, &buffer)
        full.push(chunk)
    }

    private func recycledBuffer() throws(CorpusError) -> ByteBuffer {
        startWriter()
        guard var chunk = empty.pop() else { throw failure.error ?? .output(path: path, reason: "the writer stopped") }
        chunk.count = 0
        return chunk
    }

    /// Finishes the gzip stream and closes the file (stdout stays open).
    public func close() throws(CorpusError) {
        guard !closed else { return }
        closed = true
        if writerStarted {
            full.close()
            writerDone.wait()
        }
        if let error = failure.error {
            if ownsDescriptor { _ = Foundation.close(fd) }
            throw error
        }
        if let deflater, let compressed {
            deflater.pointee.next_in = nil
            deflater.pointee.avail_in = 0
            var done = false
            while !done { done = try deflateStep(deflater, compressed, flush: Z_FINISH) }
        }
        if ownsDescriptor, Foundation.close(fd) != 0 {
            throw .output(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private func startWriter() {
        guard !writerStarted else { return }
        writerStarted = true
        for _ in 0..<4 { empty.push(ByteBuffer(capacity: 1 << 21)) }
        let thread = Thread { [self] in
            defer { writerDone.signal() }
            while let chunk = full.pop() {
                var problem: CorpusError?
                do throws(CorpusError) { try consume(chunk.bytes) } catch { problem = error }
                if let problem {
                    failure.error = problem
                    empty.close()
                    full.close()
                    return
                }
                empty.push(chunk)
            }
        }
        thread.start()
    }

    /// Compresses (with gzip) and writes one chunk; runs on the writer thread.
    private func consume(_ bytes: UnsafeRawBufferPointer) throws(CorpusError) {
        guard let deflater, let compressed else { return try writeAll(bytes) }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        deflater.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        deflater.pointee.avail_in = uInt(bytes.count)
        while deflater.pointee.avail_in > 0 {
            try deflateStep(deflater, compressed, flush: Z_NO_FLUSH)
        }
    }

    /// Runs deflate once into the compressed buffer and writes what it produced. Returns whether
    /// the stream ended (with `Z_FINISH`).
    @discardableResult
    private func deflateStep(_ stream: UnsafeMutablePointer<z_stream>, _ out: UnsafeMutablePointer<UInt8>, flush: Int32) throws(CorpusError) -> Bool {
        stream.pointee.next_out = out
        stream.pointee.avail_out = uInt(Self.compressedCapacity)
        let rc = deflate(stream, flush)
        guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
            throw .output(path: path, reason: "zlib failed while compressing (error \(rc))")
        }
        let produced = Self.compressedCapacity - Int(stream.pointee.avail_out)
        if produced > 0 { try writeAll(UnsafeRawBufferPointer(start: out, count: produced)) }
        return rc == Z_STREAM_END
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(CorpusError) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Foundation.write(fd, next, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw .output(path: path, reason: String(cString: strerror(errno)))
            }
            next += n
            left -= n
            bytesWritten += Int64(n)
        }
    }
}

/// The first error of the writer thread, read by the rendering thread.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: CorpusError?

    var error: CorpusError? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = stored ?? newValue; lock.unlock() }
    }
}
