import Model

/// Replays bytes already read (while sniffing the format) before the rest of a source.
final class PrefixedInput: ByteInput {
    private var prefix: [UInt8]
    private var position = 0
    private let source: ByteInput

    init(prefix: [UInt8], source: ByteInput) {
        self.prefix = prefix
        self.source = source
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if position < prefix.count {
            let n = min(buffer.count, prefix.count - position)
            prefix.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[position..<position + n])) }
            position += n
            if position == prefix.count {
                prefix = []
                position = 0
            }
            return n
        }
        return try source.read(into: buffer)
    }
}
