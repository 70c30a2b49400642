import Model

/// An allocation-free hash table from JSON key bytes to a small integer.
///
/// Looking a key up hashes the raw bytes inside the quotes and compares them, without making a
/// `String`: the loader does this for every key of every record. The keys live back to back in
/// one array, a key's hash reads its first and last eight bytes as words (keys are short), and
/// a candidate is compared a word at a time.
struct KeyTable {
    /// Every key's bytes, back to back; `starts[e]` and `lengths[e]` locate entry `e`'s.
    private var text: [UInt8] = []
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private var values: [Int] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// Adds or replaces `key`.
    mutating func insert(_ key: String, _ value: Int) {
        let bytes = Array(key.utf8)
        if let existing = bytes.withUnsafeBytes({ position(of: $0) }) {
            values[existing] = value
            return
        }
        if (values.count + 1) * 2 > slots.count { grow() }
        starts.append(Int32(text.count))
        lengths.append(Int32(bytes.count))
        text.append(contentsOf: bytes)
        values.append(value)
        place(values.count - 1)
    }

    /// The value for the raw key bytes, if present.
    @inline(__always)
    func lookup(_ raw: UnsafeRawBufferPointer) -> Int? {
        position(of: raw).map { values[$0] }
    }

    @inline(__always)
    private func position(of raw: UnsafeRawBufferPointer) -> Int? {
        var h = Self.hash(raw) & mask
        return text.withUnsafeBytes { keys in
            while true {
                let entry = Int(slots[h])
                if entry < 0 { return nil }
                if Int(lengths[entry]) == raw.count,
                   Self.equal(UnsafeRawPointer(keys.baseAddress!) + Int(starts[entry]), raw) {
                    return entry
                }
                h = (h + 1) & mask
            }
        }
    }

    /// Whether the bytes at `a` are `b`'s, compared a word at a time (keys are short: a call
    /// to `memcmp` cost more than the comparison).
    @inline(__always)
    private static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        guard n > 0 else { return true }
        let p = b.baseAddress!
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != p.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != p.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    private mutating func place(_ entry: Int) {
        let start = Int(starts[entry])
        var h = text.withUnsafeBytes { Self.hash(UnsafeRawBufferPointer(rebasing: $0[start..<start + Int(lengths[entry])])) } & mask
        while slots[h] >= 0 { h = (h + 1) & mask }
        slots[h] = Int32(entry)
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for entry in values.indices { place(entry) }
    }

    /// The length mixed with the first and last eight bytes (bytes one by one below eight).
    @inline(__always)
    private static func hash(_ raw: UnsafeRawBufferPointer) -> Int {
        let n = raw.count
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        if n >= 8 {
            h ^= raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
            h ^= raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else {
            for byte in raw { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        h = (h ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }
}
