/// A Sigma string value with its wildcards: `*` any run, `?` one character; `\*`, `\?` and
/// `\\` are the plain characters, and a `\` before anything else is a plain backslash.
struct SigmaPattern: Sendable, Equatable {
    enum Token: Sendable, Equatable {
        case character(Character)
        case anyRun
        case oneCharacter
    }

    var tokens: [Token]

    init(tokens: [Token]) { self.tokens = tokens }

    /// Reads wildcards and escapes from a value as written in the rule.
    init(sigma text: String) {
        var tokens: [Token] = []
        var iterator = Array(text)[...]
        while let character = iterator.popFirst() {
            switch character {
            case "*": tokens.append(.anyRun)
            case "?": tokens.append(.oneCharacter)
            case "\\":
                if let next = iterator.first, next == "*" || next == "?" || next == "\\" {
                    tokens.append(.character(next))
                    iterator = iterator.dropFirst()
                } else {
                    tokens.append(.character("\\"))
                }
            default: tokens.append(.character(character))
            }
        }
        self.tokens = tokens
    }

    /// A value taken literally (encodings produce these).
    init(literal text: String) {
        tokens = text.map { .character($0) }
    }

    var hasWildcards: Bool { tokens.contains { $0 == .anyRun || $0 == .oneCharacter } }

    /// The text when the pattern has no wildcard.
    var literalText: String? {
        var text = ""
        for token in tokens {
            guard case .character(let character) = token else { return nil }
            text.append(character)
        }
        return text
    }

    /// Whether SQLite's own case-insensitive comparison is exact for this pattern: it folds
    /// ASCII only, which is enough when every other character has no case (emoji, dashes, CJK).
    var foldsLikeSQLite: Bool {
        tokens.allSatisfy { token in
            guard case .character(let c) = token, !c.isASCII else { return true }
            let text = String(c)
            return text.lowercased() == text && text.uppercased() == text
        }
    }

    /// The text of a `*text*` pattern (contains) with no other wildcard.
    var containedText: String? {
        guard tokens.count > 2, tokens.first == .anyRun, tokens.last == .anyRun else { return nil }
        return SigmaPattern(tokens: Array(tokens.dropFirst().dropLast())).literalText
    }

    /// Whether no character has a case (digits, symbols, emoji): any comparison is exact.
    static func isCaseless(_ text: String) -> Bool {
        text.allSatisfy { String($0).lowercased() == String($0).uppercased() }
    }

    /// `*` added in front and/or behind (contains, startswith, endswith).
    func surrounded(leading: Bool, trailing: Bool) -> SigmaPattern {
        var result = tokens
        if leading, result.first != .anyRun { result.insert(.anyRun, at: 0) }
        if trailing, result.last != .anyRun { result.append(.anyRun) }
        return SigmaPattern(tokens: result)
    }

    /// The pattern with its plain characters lower-cased (Unicode), for case-insensitive matching
    /// beyond ASCII against `hunt_fold(column)`.
    var folded: SigmaPattern {
        SigmaPattern(tokens: tokens.flatMap { token -> [Token] in
            guard case .character(let character) = token else { return [token] }
            return String(character).lowercased().map { .character($0) }
        })
    }

    /// An SQLite LIKE pattern with `\` as its escape character.
    var likePattern: String {
        var text = ""
        for token in tokens {
            switch token {
            case .anyRun: text += "%"
            case .oneCharacter: text += "_"
            case .character(let character):
                if character == "%" || character == "_" || character == "\\" { text += "\\" }
                text.append(character)
            }
        }
        return text
    }

    /// An SQLite GLOB pattern (case-sensitive); its metacharacters are put in brackets.
    var globPattern: String {
        var text = ""
        for token in tokens {
            switch token {
            case .anyRun: text += "*"
            case .oneCharacter: text += "?"
            case .character(let character):
                switch character {
                case "*": text += "[*]"
                case "?": text += "[?]"
                case "[": text += "[[]"
                default: text.append(character)
                }
            }
        }
        return text
    }

    /// The dash characters `windash` makes interchangeable: `-`, `/`, en dash, em dash, horizontal bar.
    static let dashes: [Character] = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"]

    /// Every variant with each dash replaced by each of the dashes; nil when there would be more
    /// than `limit` variants.
    func windashVariants(limit: Int = 625) -> [SigmaPattern]? {
        var variants: [[Token]] = [[]]
        for token in tokens {
            if case .character(let character) = token, Self.dashes.contains(character) {
                variants = variants.flatMap { prefix in Self.dashes.map { prefix + [.character($0)] } }
                if variants.count > limit { return nil }
            } else {
                for index in variants.indices { variants[index].append(token) }
            }
        }
        return variants.map(SigmaPattern.init(tokens:))
    }
}
