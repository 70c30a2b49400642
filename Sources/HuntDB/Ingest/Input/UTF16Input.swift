import Model

/// Reads a UTF-16 stream as the UTF-8 text it holds, for the readers, which all take UTF-8.
///
/// Nothing is repaired on the way: an unpaired surrogate is written as the three bytes UTF-8
/// would give it (which are not valid UTF-8) and a last odd byte as 0xFF, so the record holding
/// either is rejected by the readers' UTF-8 check, naming its offset in the decoded text.
final class UTF16Input: ByteInput {
    private let source: ByteInput
    private let bigEndian: Bool
    private var raw: [UInt8] = Array(repeating: 0, count: 1 << 16)
    /// Undelivered UTF-8 output.
    private var out: [UInt8] = []
    private var delivered = 0
    /// A byte of a code unit whose other byte is in the next read.
    private var oddByte: UInt8?
    /// A high surrogate waiting for its low half.
    private var pendingHigh: UInt16?
    private var finished = false

    init(source: ByteInput, bigEndian: Bool) {
        self.source = source
        self.bigEndian = bigEndian
        out.reserveCapacity(3 << 16)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while delivered == out.count {
            if finished { return 0 }
            try transcodeMore()
        }
        let n = min(buffer.count, out.count - delivered)
        out.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[delivered..<delivered + n])) }
        delivered += n
        return n
    }

    private func transcodeMore() throws {
        out.removeAll(keepingCapacity: true)
        delivered = 0
        let n = try raw.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 {
            finished = true
            if let high = pendingHigh { appendUnpaired(high) }
            if oddByte != nil { out.append(0xFF) }
            pendingHigh = nil
            oddByte = nil
            return
        }
        var i = 0
        if let first = oddByte, n > 0 {
            push(unit(first, raw[0]))
            oddByte = nil
            i = 1
        }
        while i + 1 < n {
            push(unit(raw[i], raw[i + 1]))
            i += 2
        }
        if i < n { oddByte = raw[i] }
    }

    @inline(__always)
    private func unit(_ a: UInt8, _ b: UInt8) -> UInt16 {
        bigEndian ? UInt16(a) << 8 | UInt16(b) : UInt16(b) << 8 | UInt16(a)
    }

    @inline(__always)
    private func push(_ unit: UInt16) {
        if let high = pendingHigh {
            pendingHigh = nil
            if (0xDC00...0xDFFF).contains(unit) {
                let scalar = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00)
                out.append(0xF0 | UInt8(scalar >> 18))
                out.append(0x80 | UInt8((scalar >> 12) & 0x3F))
                out.append(0x80 | UInt8((scalar >> 6) & 0x3F))
                out.append(0x80 | UInt8(scalar & 0x3F))
                return
            }
            appendUnpaired(high)
        }
        switch unit {
        case 0..<0x80:
            out.append(UInt8(unit))
        case 0x80..<0x800:
            out.append(0xC0 | UInt8(unit >> 6))
            out.append(0x80 | UInt8(unit & 0x3F))
        case 0xD800...0xDBFF:
            pendingHigh = unit
        case 0xDC00...0xDFFF:
            appendUnpaired(unit)
        default:
            appendThreeBytes(unit)
        }
    }

    /// A surrogate on its own, as three bytes that no UTF-8 validator accepts.
    private func appendUnpaired(_ unit: UInt16) {
        appendThreeBytes(unit)
    }

    @inline(__always)
    private func appendThreeBytes(_ unit: UInt16) {
        out.append(0xE0 | UInt8(unit >> 12))
        out.append(0x80 | UInt8((unit >> 6) & 0x3F))
        out.append(0x80 | UInt8(unit & 0x3F))
    }
}
