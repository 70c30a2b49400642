import Foundation

/// Values worked out from a field's bytes, kept for when the same bytes come again: a fleet's
/// records repeat their host, user and command line, and making their texts again (a host key
/// in lower case, a user split at its `\`, a command line's arguments as JSON) cost the reading
/// thread thousands of instructions a record.
///
/// Direct-mapped and bounded: each key has one slot, chosen by a hash of its bytes, and a new
/// key replaces whatever held its slot. A hit compares the whole key, so a value is only ever
/// returned for exactly the bytes (and the kind of value: plain or escaped) it was made from.
/// Keys longer than `longestKey` are never kept (a hostile file of huge fields cannot fill
/// memory: a cache holds at most `slots` × `longestKey` bytes of keys).
struct RepeatedBytesCache<Value> {
    /// The longest key kept, in bytes; a longer one is made again each time it comes.
    static var longestKey: Int { 1024 }

    private var keys: [[UInt8]]
    private var values: [Value?]
    private let mask: Int

    /// A cache of `slots` entries (a power of two).
    init(slots: Int) {
        precondition(slots > 0 && slots & (slots - 1) == 0, "slots must be a power of two")
        keys = Array(repeating: [], count: slots)
        values = Array(repeating: nil, count: slots)
        mask = slots - 1
    }

    /// The value made from `bytes` (with `tag`, a byte that tells apart values read differently
    /// from the same bytes), from the cache or from `make`, which is then kept.
    @inline(__always)
    mutating func value(for bytes: UnsafeRawBufferPointer, tag: UInt8, make: () -> Value) -> Value {
        guard bytes.count <= Self.longestKey else { return make() }
        let slot = Self.hash(bytes, tag) & mask
        if let value = values[slot], Self.same(keys[slot], tag, bytes) { return value }
        let value = make()
        keys[slot].removeAll(keepingCapacity: true)
        keys[slot].append(tag)
        keys[slot].append(contentsOf: bytes)
        values[slot] = value
        return value
    }

    private static func same(_ key: [UInt8], _ tag: UInt8, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard key.count == bytes.count + 1, key[0] == tag else { return false }
        return key.withUnsafeBytes { stored in
            bytes.isEmpty || memcmp(stored.baseAddress! + 1, bytes.baseAddress!, bytes.count) == 0
        }
    }

    /// The length and tag mixed with three words: the first, middle and last eight bytes
    /// (command lines share long prefixes and suffixes).
    private static func hash(_ bytes: UnsafeRawBufferPointer, _ tag: UInt8) -> Int {
        let n = bytes.count
        var h = (UInt64(truncatingIfNeeded: n) << 8 | UInt64(tag)) &* 0x9E37_79B9_7F4A_7C15
        if n >= 8 {
            @inline(__always) func mix(_ offset: Int) {
                h ^= bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
            }
            mix(0)
            mix((n - 8) / 2)
            mix(n - 8)
        } else {
            for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}
