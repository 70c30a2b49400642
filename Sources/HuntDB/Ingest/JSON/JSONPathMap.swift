import Model

/// Maps JSON key paths (`winlog.event_data.Image`) to field slots, and fills the slots of one
/// record in a single pass over its keys.
///
/// A dialect is such a map: a table of field paths, not a chain of if/else. When several paths
/// feed one slot, the path listed first wins.
struct JSONPathMap {
    private struct Node {
        var table = KeyTable()
        /// Per key: the child node index (for objects) and the slot with its rank (for leaves).
        var children: [Int] = []
        var leaves: [(slot: Int, rank: Int)?] = []
    }

    private var nodes: [Node] = [Node()]
    let slotCount: Int

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
    func fill(_ slots: inout [Int32], ranks: inout [Int32], from tape: JSONTape, object: Int) {
        for i in slots.indices {
            slots[i] = -1
            ranks[i] = Int32.max
        }
        visit(node: 0, object: object, tape: tape, slots: &slots, ranks: &ranks)
    }

    private func visit(node: Int, object: Int, tape: JSONTape, slots: inout [Int32], ranks: inout [Int32]) {
        let n = nodes[node]
        tape.forEachMember(of: object) { key, value in
            guard let entry = n.table.lookup(tape.raw(key)) else { return }
            let isObject = tape.tokens[value].kind == .object
            if !isObject, let leaf = n.leaves[entry], Int32(leaf.rank) < ranks[leaf.slot] {
                slots[leaf.slot] = Int32(value)
                ranks[leaf.slot] = Int32(leaf.rank)
            }
            let child = n.children[entry]
            if child >= 0, isObject {
                visit(node: child, object: value, tape: tape, slots: &slots, ranks: &ranks)
            }
        }
    }
}
