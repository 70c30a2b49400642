import Model

/// Maps JSON key paths (`winlog.event_data.Image`) to field slots, and fills the slots of one
/// record in a single pass over its keys.
///
/// A dialect is such a map: a table of field paths, not a chain of if/else. When several paths
/// feed one slot, the path listed first wins. A key the map knows that an object gives twice
/// (`"EventID":7,"EventID":1`) is reported, not resolved: JSON readers disagree on which counts.
struct JSONPathMap {
    private struct Node {
        var table = KeyTable()
        /// Per key: the child node index (for objects) and the slot with its rank (for leaves).
        var children: [Int] = []
        var leaves: [(slot: Int, rank: Int)?] = []
        /// Per key: its number among all the keys of the map.
        var keyIDs: [Int] = []
    }

    private var nodes: [Node] = [Node()]
    /// Per key number: the key's dotted path, for messages.
    private var keyPaths: [String] = []
    let slotCount: Int
    var keyCount: Int { keyPaths.count }

    /// - Parameters:
    ///   - paths: `(path, slot)` pairs; paths are dotted, e.g. `process.parent.entity_id`.
    ///   - acceptFlattenedKeys: also match keys that spell part of the path with dots
    ///     (`{"process.entity_id": …}`), as some ECS exports do.
    init(slotCount: Int, paths: [(String, Int)], acceptFlattenedKeys: Bool = false) {
        self.slotCount = slotCount
        for (rank, (path, slot)) in paths.enumerated() {
            let parts = path.split(separator: ".").map(String.init)
            for spelling in acceptFlattenedKeys ? Self.spellings(parts) : [parts] {
                add(spelling, slot: slot, rank: rank)
            }
        }
    }

    /// Every way to group the parts into keys: [a,b,c] → [a,b,c], [a.b,c], [a,b.c], [a.b.c].
    private static func spellings(_ parts: [String]) -> [[String]] {
        guard parts.count > 1 else { return [parts] }
        var result: [[String]] = []
        for rest in spellings(Array(parts.dropFirst())) {
            result.append([parts[0]] + rest)
            result.append([parts[0] + "." + rest[0]] + rest.dropFirst())
        }
        return result
    }

    private mutating func add(_ keys: [String], slot: Int, rank: Int) {
        var node = 0
        for (depth, key) in keys.enumerated() {
            let existing = Array(key.utf8).withUnsafeBytes { nodes[node].table.lookup($0) }
            let entry: Int
            if let existing {
                entry = existing
            } else {
                entry = nodes[node].children.count
                nodes[node].table.insert(key, entry)
                nodes[node].children.append(-1)
                nodes[node].leaves.append(nil)
                nodes[node].keyIDs.append(keyPaths.count)
                keyPaths.append(keys[0...depth].joined(separator: "."))
            }
            if depth == keys.count - 1 {
                if nodes[node].leaves[entry] == nil { nodes[node].leaves[entry] = (slot, rank) }
            } else {
                if nodes[node].children[entry] < 0 {
                    nodes.append(Node())
                    nodes[node].children[entry] = nodes.count - 1
                }
                node = nodes[node].children[entry]
            }
        }
    }

    /// Fills `slots[s]` with the token index of the value for each mapped path present in the
    /// object at `object` (-1 where absent).
    /// - Returns: the path of a mapped key given twice in one object, if any (the slots are then
    ///   incomplete and must not be used).
    func fill(_ slots: inout [Int32], ranks: inout [Int32], sightings: inout KeySightings,
              from tape: JSONTape, object: Int) -> String? {
        for i in slots.indices {
            slots[i] = -1
            ranks[i] = Int32.max
        }
        sightings.begin(keyCount: keyCount)
        var repeated: Int?
        visit(node: 0, object: object, tape: tape, slots: &slots, ranks: &ranks, sightings: &sightings, repeated: &repeated)
        return repeated.map { keyPaths[$0] }
    }

    private func visit(node: Int, object: Int, tape: JSONTape, slots: inout [Int32], ranks: inout [Int32],
                       sightings: inout KeySightings, repeated: inout Int?) {
        let n = nodes[node]
        tape.forEachMember(of: object) { key, value in
            guard repeated == nil, let entry = tape.withKeyText(key, { n.table.lookup($0) }) else { return }
            guard sightings.firstSighting(of: n.keyIDs[entry]) else {
                repeated = n.keyIDs[entry]
                return
            }
            let isObject = tape.tokens[value].kind == .object
            if !isObject, let leaf = n.leaves[entry] {
                let rank = Int32(leaf.rank)
                if rank == ranks[leaf.slot] {
                    // Two spellings of one path (`process.entity_id` and `process` → `entity_id`).
                    repeated = n.keyIDs[entry]
                    return
                }
                if rank < ranks[leaf.slot] {
                    slots[leaf.slot] = Int32(value)
                    ranks[leaf.slot] = rank
                }
            }
            let child = n.children[entry]
            if child >= 0, isObject {
                visit(node: child, object: value, tape: tape, slots: &slots, ranks: &ranks, sightings: &sightings, repeated: &repeated)
            }
        }
    }
}

/// Which keys of a `JSONPathMap` one record has given so far: a mark per key, valid for the
/// current record's generation, so starting a record costs nothing.
struct KeySightings {
    private var marks: [UInt32] = []
    private var generation: UInt32 = 0

    /// Starts a record read with a map of `keyCount` keys.
    mutating func begin(keyCount: Int) {
        if marks.count < keyCount { marks.append(contentsOf: repeatElement(0, count: keyCount - marks.count)) }
        if generation == .max {
            for i in marks.indices { marks[i] = 0 }
            generation = 0
        }
        generation += 1
    }

    /// Marks key `id` as seen; false when it was seen already in this record.
    @inline(__always)
    mutating func firstSighting(of id: Int) -> Bool {
        if marks[id] == generation { return false }
        marks[id] = generation
        return true
    }
}
