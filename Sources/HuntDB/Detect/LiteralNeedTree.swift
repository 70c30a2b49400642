/// A `LiteralNeed` over numbered column words, stored flat (no reference counting while a screen
/// evaluates it millions of times): node 0 is the root.
struct LiteralNeedTree {
    private enum Kind: UInt8 { case word, all, any }

    private struct Node {
        var kind: Kind
        /// The column word of a `word` node; the first child's position in `children` otherwise.
        var value: Int32
        var childCount: Int32
    }

    private var nodes: [Node] = []
    private var children: [Int32] = []

    init(_ need: LiteralNeed, words: inout LiteralWordBuilder) {
        _ = add(need, &words)
    }

    private mutating func add(_ need: LiteralNeed, _ words: inout LiteralWordBuilder) -> Int32 {
        let position = Int32(nodes.count)
        switch need {
        case .contains(let column, let text, let folded):
            nodes.append(Node(kind: .word, value: words.id(column: column, text: text, folded: folded), childCount: 0))
        case .all(let parts), .any(let parts):
            let isAll: Bool = if case .all = need { true } else { false }
            nodes.append(Node(kind: isAll ? .all : .any, value: 0, childCount: Int32(parts.count)))
            let added = parts.map { add($0, &words) }
            nodes[Int(position)].value = Int32(children.count)
            children += added
        case .anything:
            preconditionFailure("a literal prefilter's need is never anything inside")
        }
        return position
    }

    /// Whether the need holds for an event whose column words are those with `seen[w] == row`.
    func holds(seen: [Int], row: Int) -> Bool {
        nodes.withUnsafeBufferPointer { nodes in
            children.withUnsafeBufferPointer { children in
                seen.withUnsafeBufferPointer { seen in
                    Self.holds(0, nodes, children, seen, row)
                }
            }
        }
    }

    private static func holds(_ node: Int32, _ nodes: UnsafeBufferPointer<Node>, _ children: UnsafeBufferPointer<Int32>,
                              _ seen: UnsafeBufferPointer<Int>, _ row: Int) -> Bool {
        let node = nodes[Int(node)]
        switch node.kind {
        case .word:
            return seen[Int(node.value)] == row
        case .all:
            for child in children[Int(node.value)..<Int(node.value + node.childCount)]
            where !holds(child, nodes, children, seen, row) { return false }
            return true
        case .any:
            for child in children[Int(node.value)..<Int(node.value + node.childCount)]
            where holds(child, nodes, children, seen, row) { return true }
            return false
        }
    }

    /// Column words of which an event that satisfies the need holds at least one: every branch
    /// of an `any`, and of an `all` only its part of least total `cost`.
    func triggers(cost: (Int32) -> Int) -> [Int32] {
        triggers(0, cost).words
    }

    private func triggers(_ index: Int32, _ cost: (Int32) -> Int) -> (words: [Int32], cost: Int) {
        let node = nodes[Int(index)]
        guard node.kind != .word else { return ([node.value], cost(node.value)) }
        let parts = children[Int(node.value)..<Int(node.value + node.childCount)].map { triggers($0, cost) }
        if node.kind == .all { return parts.min { $0.cost < $1.cost }! }
        return (parts.flatMap(\.words), parts.reduce(0) { $0 + $1.cost })
    }
}
