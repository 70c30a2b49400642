/// Finds, in one pass over a text, which of many byte strings it contains, ignoring ASCII case:
/// an Aho–Corasick automaton.
///
/// Thousands of rule literals are looked for in one pass over a value instead of one pass each.
/// Bytes that occur in no string share one class. States near the root, where the text's bytes
/// go most of the time, have a full row of transitions; deeper states (most of them, with one
/// child each: the rest of a long literal) keep only their children and a failure link, so the
/// automaton of every SigmaHQ rule's words takes a few megabytes instead of a hundred.
struct SubstringAutomaton {
    /// States at most this deep have a full row of transitions.
    private static let denseDepth = 2

    /// The byte class of each byte (0: in no string); upper-case ASCII letters share their
    /// lower-case letter's class.
    private let byteClass: [UInt8]
    private let classCount: Int
    /// Per state, its row in `dense` (-1: a deep state).
    private let denseRow: [Int32]
    /// `dense[row * classCount + class]`: the next state, failures included.
    private let dense: [Int32]
    /// A deep state's children: `childClass/childState[childStart[s] ..< childStart[s + 1]]`.
    private let childStart: [Int32]
    private let childClass: [UInt8]
    private let childState: [Int32]
    /// A deep state's failure state (shallower).
    private let failure: [Int32]
    /// The strings that end in state `s`, its own and those of its suffixes:
    /// `ending[endingStart[s] ..< endingStart[s + 1]]`.
    private let endingStart: [Int32]
    private let ending: [Int32]

    /// - Parameter strings: byte strings, each identified by its index; matched ignoring ASCII
    ///   case. An empty string never matches.
    init(strings: [[UInt8]]) {
        var classes = [UInt8](repeating: 0, count: 256)
        var count = 1
        for string in strings {
            for byte in string.map(Self.lower) where classes[Int(byte)] == 0 {
                precondition(count < 256, "more than 255 byte classes")
                classes[Int(byte)] = UInt8(count)
                count += 1
            }
        }
        for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") {
            classes[Int(upper)] = classes[Int(upper | 0x20)]
        }
        // The trie, with sparse children.
        var children: [[(symbol: UInt8, state: Int32)]] = [[]]
        var depth: [Int] = [0]
        var own: [[Int32]] = [[]]
        for (index, string) in strings.enumerated() where !string.isEmpty {
            var state = 0
            for byte in string {
                let symbol = classes[Int(Self.lower(byte))]
                if let child = children[state].first(where: { $0.symbol == symbol }) {
                    state = Int(child.state)
                } else {
                    children.append([])
                    own.append([])
                    depth.append(depth[state] + 1)
                    children[state].append((symbol, Int32(children.count - 1)))
                    state = children.count - 1
                }
            }
            own[state].append(Int32(index))
        }
        let states = children.count
        // Rows for the shallow states, failure links and outputs, breadth first: a state's
        // failure is shallower, so its row or links are complete when they are needed.
        var rowOf = [Int32](repeating: -1, count: states)
        var rows: [Int32] = []
        var fail = [Int32](repeating: 0, count: states)
        var outputs = own
        func step(_ state: Int, _ symbol: Int) -> Int32 {
            var state = state
            while true {
                if rowOf[state] >= 0 { return rows[Int(rowOf[state]) * count + symbol] }
                if let child = children[state].first(where: { Int($0.symbol) == symbol }) { return child.state }
                state = Int(fail[state])
            }
        }
        var queue: [Int32] = [0]
        var head = 0
        while head < queue.count {
            let state = Int(queue[head])
            head += 1
            if state != 0 {
                let failState = Int(fail[state])
                if !outputs[failState].isEmpty { outputs[state] += outputs[failState] }
            }
            if depth[state] <= Self.denseDepth {
                rowOf[state] = Int32(rows.count / count)
                var row = [Int32](repeating: 0, count: count)
                if state != 0 {
                    let failRow = Int(rowOf[Int(fail[state])]) * count
                    for symbol in 0..<count { row[symbol] = rows[failRow + symbol] }
                }
                for child in children[state] { row[Int(child.symbol)] = child.state }
                rows += row
            }
            for child in children[state] {
                fail[Int(child.state)] = state == 0 ? 0 : step(Int(fail[state]), Int(child.symbol))
                queue.append(child.state)
            }
        }
        byteClass = classes
        classCount = count
        denseRow = rowOf
        dense = rows
        childStart = children.reduce(into: [0]) { starts, list in starts.append(starts.last! + Int32(list.count)) }
        childClass = children.flatMap { $0.map(\.symbol) }
        childState = children.flatMap { $0.map(\.state) }
        failure = fail
        endingStart = outputs.reduce(into: [0]) { starts, strings in starts.append(starts.last! + Int32(strings.count)) }
        ending = outputs.flatMap { $0 }
    }

    /// Calls `found` with the index of every string `text` contains, once per occurrence.
    func scan(_ text: String, _ found: (Int32) -> Void) {
        var text = text
        text.withUTF8 { scan(UnsafeRawBufferPointer($0), found) }
    }

    /// How many states it has (the size of a `scan` memory).
    var stateCount: Int { denseRow.count }

    /// Calls `found` with the index of every string `bytes` contain, once per occurrence.
    func scan(_ bytes: UnsafeRawBufferPointer, _ found: (Int32) -> Void) {
        scan(bytes, visited: nil, mark: 0, found)
    }

    /// Calls `found` with the index of every string `bytes` contain, at least once each: a
    /// state's strings are reported only when `visited[state]` is not yet `mark` (the caller
    /// keeps `visited`, `stateCount` long, and changes `mark` between texts), so a text that
    /// goes through the same states again and again (`\` in paths) reports them once.
    func scan(_ bytes: UnsafeRawBufferPointer, visited: UnsafeMutableBufferPointer<Int32>?, mark: Int32,
              _ found: (Int32) -> Void) {
        byteClass.withUnsafeBufferPointer { classes in
        denseRow.withUnsafeBufferPointer { denseRow in
        dense.withUnsafeBufferPointer { dense in
        childStart.withUnsafeBufferPointer { childStart in
        childClass.withUnsafeBufferPointer { childClass in
        childState.withUnsafeBufferPointer { childState in
        failure.withUnsafeBufferPointer { failure in
        endingStart.withUnsafeBufferPointer { starts in
        ending.withUnsafeBufferPointer { ending in
            var state = 0
            for byte in bytes {
                let symbol = Int(classes[Int(byte)])
                // Down the failure links until a child or a shallow state's row answers.
                transition: while true {
                    let row = Int(denseRow[state])
                    if row >= 0 {
                        state = Int(dense[row * classCount + symbol])
                        break
                    }
                    for child in Int(childStart[state])..<Int(childStart[state + 1]) where Int(childClass[child]) == symbol {
                        state = Int(childState[child])
                        break transition
                    }
                    state = Int(failure[state])
                }
                let first = Int(starts[state]), end = Int(starts[state + 1])
                if first < end {
                    if let visited {
                        if visited[state] == mark { continue }
                        visited[state] = mark
                    }
                    for index in first..<end { found(ending[index]) }
                }
            }
        }}}}}}}}}
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
