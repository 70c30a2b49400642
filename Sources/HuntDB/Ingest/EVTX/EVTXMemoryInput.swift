import Model

/// A `ByteInput` over bytes held in memory (tests, small inputs).
public final class EVTXMemoryInput: ByteInput {
    private let bytes: [UInt8]
    private var position = 0
    /// The largest amount returned by one `read`, to exercise short reads.
    private let maxRead: Int

    public init(_ bytes: [UInt8], maxRead: Int = .max) {
        self.bytes = bytes
        self.maxRead = max(1, maxRead)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - position, maxRead)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[position ..< position + n]))
        }
        position += n
        return n
    }
}
