/// A bounded map from a text's UTF-8 bytes to its dictionary id, for `StringDictionary`.
///
/// Keys are looked up by their bytes (no `String` hashing): their 64-bit `TextHash` picks a
/// slot of an open-addressed table of 16-byte slots, and the bytes, kept in one arena, are
/// compared only when the hashes agree. When `capacity` texts or `arenaLimit` bytes
/// of text are held the cache starts over, so memory stays bounded whatever the input.
struct InternCache {
    /// 16 bytes a slot: the text's length is kept in the arena, before its bytes.
    private struct Slot {
        /// The hash's low 32 bits; 0 marks an empty slot (a real 0 is stored as 1).
        var hash: UInt32 = 0
        /// Where the text's length (4 bytes) and then its bytes start in the arena.
        var offset: UInt32 = 0
        var id: Int64 = 0
    }

    /// The default arena bound (hostile input: 100k texts of 32 KB each). 24 MiB kept a 2M-event
    /// load at 196–201 MB; 12 MiB holds ~75k command lines.
    static let defaultArenaLimit = 12 << 20

    private var slots: [Slot]
    private var arena: [UInt8] = []
    private let mask: Int
    private let capacity: Int
    /// The arena starts over beyond this many bytes.
    private let arenaLimit: Int
    private(set) var count = 0

    /// - Parameters:
    ///   - capacity: the most texts held before the cache starts over.
    ///   - arenaLimit: the most bytes of text held before the cache starts over.
    init(capacity: Int, arenaLimit: Int = defaultArenaLimit) {
        self.capacity = max(capacity, 1)
        self.arenaLimit = arenaLimit
        var size = 16
        while size < self.capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(), count: size)
        mask = size - 1
    }

    /// The hash of `bytes` as the cache uses it (`TextHash`, what `texts.hash` stores): the high
    /// half picks the slot, the low half is kept to compare.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(bitPattern: TextHash.of(bytes))
    }

    /// The id cached for `bytes`, if any.
    func id(for bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int64? {
        let tag = Self.tag(hash)
        var index = Int(truncatingIfNeeded: hash >> 32) & mask
        while true {
            let slot = slots[index]
            if slot.hash == 0 { return nil }
            if slot.hash == tag, equals(slot, bytes) { return slot.id }
            index = (index + 1) & mask
        }
    }

    /// Caches `id` for `bytes` (not cached yet), starting over first when full.
    mutating func insert(_ bytes: UnsafeRawBufferPointer, hash: UInt64, id: Int64) {
        guard bytes.count + 4 <= arenaLimit else { return }  // too long to cache: looked up in SQLite each time
        if count >= capacity || arena.count + bytes.count + 4 > arenaLimit { removeAll() }
        var index = Int(truncatingIfNeeded: hash >> 32) & mask
        while slots[index].hash != 0 { index = (index + 1) & mask }
        slots[index] = Slot(hash: Self.tag(hash), offset: UInt32(arena.count), id: id)
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { arena.append(contentsOf: $0) }
        arena.append(contentsOf: bytes)
        count += 1
    }

    private static func tag(_ hash: UInt64) -> UInt32 {
        let low = UInt32(truncatingIfNeeded: hash)
        return low == 0 ? 1 : low
    }

    /// Forgets every cached id.
    mutating func removeAll() {
        guard count > 0 else { return }
        for i in slots.indices { slots[i].hash = 0 }
        arena.removeAll(keepingCapacity: true)
        count = 0
    }

    private func equals(_ slot: Slot, _ bytes: UnsafeRawBufferPointer) -> Bool {
        arena.withUnsafeBytes { stored in
            let start = Int(slot.offset)
            let length = Int(UInt32(littleEndian: stored.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
            guard length == bytes.count else { return false }
            guard length > 0, let base = bytes.baseAddress else { return true }
            return memcmp(stored.baseAddress! + start + 4, base, length) == 0
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
