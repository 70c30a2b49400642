import Model

/// A bounds-checked little-endian view of a byte buffer. Every read checks its range and throws
/// `EVTXDecodeFailure` instead of reading outside the buffer.
struct EVTXBytes {
    let base: UnsafeRawBufferPointer

    init(_ base: UnsafeRawBufferPointer) { self.base = base }

    var count: Int { base.count }

    /// Whether `length` bytes starting at `offset` lie inside the buffer.
    @inline(__always)
    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= base.count && length <= base.count - offset
    }

    @inline(__always)
    func u8(_ offset: Int) throws -> UInt8 {
        guard contains(offset, 1) else { throw EVTXDecodeFailure("a 1-byte read at chunk offset \(offset) is out of bounds") }
        return base[offset]
    }

    @inline(__always)
    func u16(_ offset: Int) throws -> UInt16 {
        guard contains(offset, 2), let p = base.baseAddress else { throw EVTXDecodeFailure("a 2-byte read at chunk offset \(offset) is out of bounds") }
        return UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func u32(_ offset: Int) throws -> UInt32 {
        guard contains(offset, 4), let p = base.baseAddress else { throw EVTXDecodeFailure("a 4-byte read at chunk offset \(offset) is out of bounds") }
        return UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func u64(_ offset: Int) throws -> UInt64 {
        guard contains(offset, 8), let p = base.baseAddress else { throw EVTXDecodeFailure("an 8-byte read at chunk offset \(offset) is out of bounds") }
        return UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Unchecked loads for callers that have already checked the range with `contains`.
    @inline(__always)
    func u16Unchecked(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: base.baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func u32Unchecked(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: base.baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func u64Unchecked(_ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The sub-buffer `offset ..< offset + length`, or nil when it is out of bounds.
    func slice(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer? {
        guard contains(offset, length) else { return nil }
        return UnsafeRawBufferPointer(rebasing: base[offset ..< offset + length])
    }

    /// Whether every byte in `offset ..< offset + length` is zero (out-of-range bytes are ignored).
    func isZero(_ offset: Int, _ length: Int) -> Bool {
        let start = max(0, offset), end = min(base.count, offset + max(0, length))
        var i = start
        guard let p = base.baseAddress else { return true }
        while i + 8 <= end {
            if p.loadUnaligned(fromByteOffset: i, as: UInt64.self) != 0 { return false }
            i += 8
        }
        while i < end {
            if base[i] != 0 { return false }
            i += 1
        }
        return true
    }
}
