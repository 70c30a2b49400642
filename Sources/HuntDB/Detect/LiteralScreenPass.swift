import Model

/// One event table's screen: which events satisfy each rule's `LiteralNeed`.
///
/// Each distinct text is scanned once, with one automaton for every rule's words (`text`); an
/// event then costs only the words its columns' texts were found to hold (`row`). Per event,
/// a need is evaluated only when one of its trigger words is present: a word of every `any`
/// branch, and of the `all` part whose words are found in the fewest texts so far.
final class LiteralScreenPass: TextColumnSink {
    /// The columns read, in the order the rows give them.
    let columns: [String]
    private var keptInAll: Int

    // Words: what the automaton looks for.
    /// The automaton's strings, lower-cased bytes.
    private let automaton: SubstringAutomaton
    /// Per automaton string, the word looked for as is (ASCII case ignored) and the word looked
    /// for in the Unicode lower-cased text (-1 when there is none).
    private let plainWord: [Int32], foldedWord: [Int32]
    private let wordCount: Int

    // Texts: per text number, the words it holds (`wordsFound[wordsStart[n] ..< wordsStart[n + 1]]`).
    private var wordsStart: [Int32] = [0]
    private var wordsFound: [Int32] = []
    /// Per word, in how many texts it was found (to pick triggers).
    private var textsWithWord: [Int32]
    /// Per word, the last text (counted from 1) it was found in.
    private var lastText: [Int]
    /// Per automaton state, the last scan that reported its words.
    private var visitedStates: [Int32]
    private var textNumber = 0

    // Needs: a flat tree per rule, over column words (a word in one column).
    private let needs: [LiteralNeedTree]
    /// Per column, word → column word (-1: the column's needs don't use the word).
    private let columnWord: [[Int32]]
    private let columnWordCount: Int
    /// Per column word, the needs to evaluate when an event holds it; made at the first row.
    private var triggered: [[Int32]] = []

    // Per event.
    private var row = 0
    private var seen: [Int]
    private var found: [Int32] = []
    private var evaluated: [Int]
    private var candidates: [[Int64]?]

    /// Candidates kept in all before rules run unrestricted instead.
    private let budget: Int

    init(needs literalNeeds: [LiteralNeed], budget: Int) {
        var builder = LiteralWordBuilder()
        needs = literalNeeds.map { LiteralNeedTree($0, words: &builder) }
        columns = builder.columns
        columnWordCount = builder.columnWords.count
        wordCount = builder.words.count
        var strings: [[UInt8]] = [], plain: [Int32] = [], folded: [Int32] = []
        var stringOf: [[UInt8]: Int] = [:]
        for (word, (bytes, isFolded)) in builder.words.enumerated() {
            let index = stringOf[bytes] ?? {
                strings.append(bytes)
                plain.append(-1)
                folded.append(-1)
                stringOf[bytes] = strings.count - 1
                return strings.count - 1
            }()
            if isFolded { folded[index] = Int32(word) } else { plain[index] = Int32(word) }
        }
        automaton = SubstringAutomaton(strings: strings)
        plainWord = plain
        foldedWord = folded
        var columnWord = Array(repeating: [Int32](repeating: -1, count: builder.words.count), count: builder.columns.count)
        for (id, (column, word)) in builder.columnWords.enumerated() { columnWord[column][word] = Int32(id) }
        self.columnWord = columnWord
        textsWithWord = Array(repeating: 0, count: builder.words.count)
        lastText = Array(repeating: 0, count: builder.words.count)
        visitedStates = Array(repeating: -1, count: automaton.stateCount)
        seen = Array(repeating: 0, count: builder.columnWords.count)
        evaluated = Array(repeating: 0, count: needs.count)
        candidates = Array(repeating: [], count: needs.count)
        keptInAll = 0
        self.budget = budget
    }

    func text(_ number: Int, _ bytes: UnsafeRawBufferPointer) throws {
        while wordsStart.count <= number { wordsStart.append(Int32(wordsFound.count)) }
        textNumber += 1
        let stamp = textNumber
        // Local arrays in the scan (see `row`).
        var found: [Int32] = [], last: [Int] = []
        swap(&found, &wordsFound)
        swap(&last, &lastText)
        defer {
            swap(&found, &wordsFound)
            swap(&last, &lastText)
        }
        let start = found.count
        last.withUnsafeMutableBufferPointer { last in
            // Once per word, however often the text repeats it.
            func add(_ word: Int32) {
                guard word >= 0, last[Int(word)] != stamp else { return }
                last[Int(word)] = stamp
                found.append(word)
            }
            plainWord.withUnsafeBufferPointer { plainWord in
                foldedWord.withUnsafeBufferPointer { foldedWord in
                    visitedStates.withUnsafeMutableBufferPointer { visited in
                        if !bytes.contains(where: { $0 >= 0x80 }) {
                            // Lower-casing ASCII text is what the automaton ignores already: one scan finds both.
                            automaton.scan(bytes, visited: visited, mark: Int32(truncatingIfNeeded: 2 * stamp)) { index in
                                add(plainWord[Int(index)])
                                add(foldedWord[Int(index)])
                            }
                        } else {
                            automaton.scan(bytes, visited: visited, mark: Int32(truncatingIfNeeded: 2 * stamp)) { add(plainWord[Int($0)]) }
                            var lowered = String(decoding: bytes, as: UTF8.self).lowercased()
                            lowered.withUTF8 { lowered in
                                automaton.scan(UnsafeRawBufferPointer(lowered), visited: visited,
                                               mark: Int32(truncatingIfNeeded: 2 * stamp + 1)) { add(foldedWord[Int($0)]) }
                            }
                        }
                    }
                }
            }
        }
        for word in found[start...] { textsWithWord[Int(word)] += 1 }
        wordsStart.append(Int32(found.count))
    }

    func row(event: Int64, texts: UnsafeBufferPointer<Int>) throws {
        if row == 0 { chooseTriggers() }
        row += 1
        let row = self.row
        // The hot loop works on local arrays (a class's stored arrays are checked for
        // exclusive access at every use).
        var found: [Int32] = [], seen: [Int] = []
        swap(&found, &self.found)
        swap(&seen, &self.seen)
        defer {
            swap(&found, &self.found)
            swap(&seen, &self.seen)
        }
        found.removeAll(keepingCapacity: true)
        wordsStart.withUnsafeBufferPointer { starts in
            wordsFound.withUnsafeBufferPointer { wordsFound in
                seen.withUnsafeMutableBufferPointer { seen in
                    for column in 0..<texts.count {
                        let number = texts[column]
                        // A number no text was given for (a dangling id) holds no word, like NULL.
                        guard number >= 0, number + 1 < starts.count else { continue }
                        columnWord[column].withUnsafeBufferPointer { words in
                            for position in Int(starts[number])..<Int(starts[number + 1]) {
                                let columnWord = words[Int(wordsFound[position])]
                                if columnWord >= 0, seen[Int(columnWord)] != row {
                                    seen[Int(columnWord)] = row
                                    found.append(columnWord)
                                }
                            }
                        }
                    }
                }
            }
        }
        for columnWord in found {
            for need in triggered[Int(columnWord)] {
                let index = Int(need)
                guard evaluated[index] != row, candidates[index] != nil else { continue }
                evaluated[index] = row
                guard needs[index].holds(seen: seen, row: row) else { continue }
                if candidates[index]!.count >= LiteralScreen.maximumPerRule || keptInAll >= budget {
                    keptInAll -= candidates[index]!.count
                    candidates[index] = nil
                } else {
                    candidates[index]!.append(event)
                    keptInAll += 1
                }
            }
        }
    }

    /// Lets go of what only the scan needs (the words of every text), once every row went by.
    func finishScan() {
        wordsStart = []
        wordsFound = []
        lastText = []
        visitedStates = []
        seen = []
        found = []
        evaluated = []
        triggered = []
    }

    /// The decision on the `index`th need, once every row went by; its candidates are let go.
    func takeDecision(_ index: Int) -> LiteralDecision {
        guard let events = candidates[index] else { return .unrestricted }
        candidates[index] = []
        if events.isEmpty { return .noMatch }
        return .candidates("[" + events.map(String.init).joined(separator: ",") + "]")
    }

    /// Which needs each column word triggers, picking the rarest `all` parts by the texts seen.
    private func chooseTriggers() {
        triggered = Array(repeating: [], count: columnWordCount)
        let wordOfColumnWord = columnWord.reduce(into: [Int32](repeating: 0, count: columnWordCount)) { result, words in
            for (word, columnWord) in words.enumerated() where columnWord >= 0 { result[Int(columnWord)] = Int32(word) }
        }
        for (index, need) in needs.enumerated() {
            let words = need.triggers { Int(textsWithWord[Int(wordOfColumnWord[Int($0)])]) + 1 }
            for columnWord in Set(words) { triggered[Int(columnWord)].append(Int32(index)) }
        }
    }
}

/// Numbers the words of many `LiteralNeed`s: a word is lower-cased bytes looked for as is or in
/// the folded text; a column word is a word in one column.
struct LiteralWordBuilder {
    private(set) var columns: [String] = []
    private(set) var words: [(bytes: [UInt8], folded: Bool)] = []
    private(set) var columnWords: [(column: Int, word: Int)] = []
    private var wordIDs: [String: Int] = [:]
    private var columnWordIDs: [Int: Int] = [:]

    /// The column word for `text` in `column`.
    mutating func id(column: String, text: [UInt8], folded: Bool) -> Int32 {
        let lowered = text.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        let key = "\(folded)\u{0}" + String(decoding: lowered, as: UTF8.self)
        let word = wordIDs[key] ?? {
            words.append((lowered, folded))
            wordIDs[key] = words.count - 1
            return words.count - 1
        }()
        let position = columns.firstIndex(of: column) ?? {
            columns.append(column)
            return columns.count - 1
        }()
        // Fewer than 2^20 words: one integer key per (column, word).
        let pair = position << 20 | word
        if let known = columnWordIDs[pair] { return Int32(known) }
        columnWords.append((position, word))
        columnWordIDs[pair] = columnWords.count - 1
        return Int32(columnWords.count - 1)
    }
}
