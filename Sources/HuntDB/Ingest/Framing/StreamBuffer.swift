import Model

/// A growable window over a `ByteInput`, from which framers cut records without copying.
///
/// Bytes before `start` are consumed; `fill()` moves the unconsumed tail to the front and reads
/// more. The window never grows past `maxWindow`, which bounds memory whatever the input.
final class StreamBuffer {
    private let input: ByteInput
    private(set) var storage: UnsafeMutableRawBufferPointer
    /// Unconsumed bytes are `storage[start..<end]`.
    var start = 0
    private(set) var end = 0
    private(set) var atEOF = false
    /// Stream offset of `storage[0]`.
    private(set) var baseOffset: Int64 = 0
    let maxWindow: Int

    /// - Parameter startOffset: the stream offset of the input's first byte (past a byte order mark).
    init(input: ByteInput, initialSize: Int = 1 << 20, maxWindow: Int = 64 << 20, startOffset: Int64 = 0) {
        self.input = input
        baseOffset = startOffset
        self.maxWindow = max(maxWindow, initialSize)
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: initialSize, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    /// Stream offset of `storage[index]`.
    func offset(of index: Int) -> Int64 { baseOffset + Int64(index) }

    /// The bytes `storage[from..<to]`.
    func bytes(_ from: Int, _ to: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[from..<to])
    }

    /// Reads more input after `end`, first compacting consumed bytes away.
    ///
    /// Indexes into `storage` move: hold positions relative to `start`. Returns false at end of
    /// input. Throws `WindowFull` when the unconsumed bytes already fill `maxWindow`.
    func fill() throws -> Bool {
        if atEOF { return false }
        if start > 0 {
            let count = end - start
            if count > 0 {
                storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: count)
            }
            baseOffset += Int64(start)
            end = count
            start = 0
        }
        if end == storage.count {
            guard storage.count < maxWindow else { throw WindowFull() }
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(storage.count * 2, maxWindow), alignment: 16)
            bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<end]))
            storage.deallocate()
            storage = bigger
        }
        let n = try input.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
        if n == 0 {
            atEOF = true
            return false
        }
        end += n
        return true
    }

    /// Drops all unconsumed bytes (used to skip an oversized record).
    func discardAll() {
        baseOffset += Int64(end)
        start = 0
        end = 0
    }

    struct WindowFull: Error {}
}
