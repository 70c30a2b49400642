import Model

/// An allocation-free hash table from JSON key bytes to a small integer.
///
/// Looking a key up hashes the raw bytes inside the quotes and compares them, without making a
/// `String`: the loader does this for every key of every record.
struct KeyTable {
    private var keys: [[UInt8]] = []
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
        if (keys.count + 1) * 2 > slots.count { grow() }
        keys.append(bytes)
        values.append(value)
        place(keys.count - 1)
    }

    /// The value for the raw key bytes, if present.
    @inline(__always)
    func lookup(_ raw: UnsafeRawBufferPointer) -> Int? {
        position(of: raw).map { values[$0] }
    }

    @inline(__always)
    private func position(of raw: UnsafeRawBufferPointer) -> Int? {
        var h = Self.hash(raw) & mask
        while true {
            let entry = slots[h]
            if entry < 0 { return nil }
            let key = keys[Int(entry)]
            if key.count == raw.count, key.withUnsafeBytes({ $0.elementsEqual(raw) }) { return Int(entry) }
            h = (h + 1) & mask
        }
    }

    private mutating func place(_ entry: Int) {
        var h = keys[entry].withUnsafeBytes { Self.hash($0) } & mask
        while slots[h] >= 0 { h = (h + 1) & mask }
        slots[h] = Int32(entry)
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for entry in keys.indices { place(entry) }
    }

    @inline(__always)
    private static func hash(_ raw: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in raw {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}
