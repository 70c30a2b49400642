/// Finds, in one pass over a text, which of many byte strings it contains, ignoring ASCII case:
/// an Aho–Corasick automaton turned into a transition table over the bytes the strings use.
///
/// Thousands of rule literals are looked for in one pass over a value instead of one pass each.
/// Bytes that occur in no string share one class, so the table stays small (states × classes).
struct SubstringAutomaton {
    /// The byte class of each byte (0: in no string); upper-case ASCII letters share their
    /// lower-case letter's class.
    private let byteClass: [UInt8]
    private let classCount: Int
    /// `next[state * classCount + class]`.
    private let next: [Int32]
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
        // The trie, in the table itself: 0 means "no child" while it is built (the root is
        // nobody's child).
        var table = [Int32](repeating: 0, count: count)
        var own: [[Int32]] = [[]]
        for (index, string) in strings.enumerated() where !string.isEmpty {
            var state = 0
            for byte in string {
                let slot = state * count + Int(classes[Int(Self.lower(byte))])
                if table[slot] == 0 {
                    own.append([])
                    table.append(contentsOf: repeatElement(0, count: count))
                    table[slot] = Int32(own.count - 1)
                }
                state = Int(table[slot])
            }
            own[state].append(Int32(index))
        }
        // Breadth first: a missing transition is the failure state's, whose row is complete by
        // then (it is shallower).
        let states = own.count
        var failure = [Int32](repeating: 0, count: states)
        var outputs = own
        var queue: [Int32] = []
        queue.reserveCapacity(states)
        for symbol in 0..<count where table[symbol] != 0 { queue.append(table[symbol]) }
        var head = 0
        while head < queue.count {
            let state = Int(queue[head])
            head += 1
            let fail = Int(failure[state])
            if !outputs[fail].isEmpty { outputs[state] += outputs[fail] }
            for symbol in 0..<count {
                let slot = state * count + symbol
                let child = table[slot]
                if child != 0 {
                    failure[Int(child)] = table[fail * count + symbol]
                    queue.append(child)
                } else {
                    table[slot] = table[fail * count + symbol]
                }
            }
        }
        byteClass = classes
        classCount = count
        next = table
        endingStart = outputs.reduce(into: [0]) { starts, strings in starts.append(starts.last! + Int32(strings.count)) }
        ending = outputs.flatMap { $0 }
    }

    /// Calls `found` with the index of every string `text` contains, once per occurrence.
    func scan(_ text: String, _ found: (Int32) -> Void) {
        var text = text
        text.withUTF8 { scan(UnsafeRawBufferPointer($0), found) }
    }

    /// Calls `found` with the index of every string `bytes` contain, once per occurrence.
    func scan(_ bytes: UnsafeRawBufferPointer, _ found: (Int32) -> Void) {
        byteClass.withUnsafeBufferPointer { classes in
            next.withUnsafeBufferPointer { next in
                endingStart.withUnsafeBufferPointer { starts in
                    ending.withUnsafeBufferPointer { ending in
                        var state = 0
                        for byte in bytes {
                            state = Int(next[state * classCount + Int(classes[Int(byte)])])
                            let first = Int(starts[state]), end = Int(starts[state + 1])
                            if first < end {
                                for index in first..<end { found(ending[index]) }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
