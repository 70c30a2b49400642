/// A text that every match of a regular expression contains, so that a cheap `instr()` or
/// `LIKE` can rule out most values before the regex engine runs (ICU backtracks badly on long
/// command lines: `\w+`…` over a 10 KB base64 PowerShell line is quadratic), and the literal
/// screen can skip the rule where no text holds it.
///
/// Conservative by construction: any construct it does not fully understand gives no literal
/// (the regex then runs alone). It reads only the top level of the pattern: a top-level `|`
/// means no literal; groups, classes, escapes of letters (but `\n` `\t` `\r` `\f`), `.`, anchors
/// and anything quantified by `?`, `*` or `{0,…}` are not literal; the longest run of
/// consecutive literal characters, each matched exactly once, is the answer. Case-insensitive
/// patterns (`i` or `(?i)`) give a literal whose ASCII case is ignored, made only of characters
/// ICU matches with their ASCII cases alone: no non-ASCII letter, and none of the letters that a
/// non-ASCII character folds to (Unicode's case folding: Kelvin sign → k, long s → s, ß → ss,
/// the ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ → f i l t, İ → i, ŉ → n, ǰ ẖ ẗ ẘ ẙ ẚ → j h t w y a).
struct SigmaRegexLiteral: Equatable {
    /// The text: the longest of `parts`.
    let text: String
    /// Whether a match contains it only up to ASCII case (a case-insensitive pattern).
    let ignoresASCIICase: Bool
    /// Every run of two or more literal characters that every match contains (the literal
    /// screen looks for all of them, keyed on the rarest), and `text`.
    let parts: [String]

    init(text: String, ignoresASCIICase: Bool, parts: [String]? = nil) {
        self.text = text
        self.ignoresASCIICase = ignoresASCIICase
        self.parts = parts ?? [text]
    }

    /// The longest literal every match contains, or nil.
    static func required(in pattern: String, caseInsensitive: Bool) -> SigmaRegexLiteral? {
        let chars = Array(pattern)
        // Modes that change what characters mean, or quoting: give up.
        if pattern.contains("\\Q") || hasInlineFlag(chars, "x") { return nil }
        let insensitive = caseInsensitive || hasInlineFlag(chars, "i")
        var runs: [[Character]] = []
        var current: [Character] = []
        func endRun() {
            if !current.isEmpty { runs.append(current) }
            current = []
        }
        var i = 0
        while i < chars.count {
            // One atom: a literal character, or something else (nil).
            var literal: Character?
            switch chars[i] {
            case "|":
                return nil
            case "(":
                guard let end = closingParenthesis(chars, from: i) else { return nil }
                i = end + 1
            case "[":
                guard let end = closingBracket(chars, from: i) else { return nil }
                i = end + 1
            case ")", "]", "}", "{", "*", "+", "?":
                return nil  // a quantifier with nothing before it, or an unbalanced bracket
            case ".", "^", "$":
                i += 1
            case "\\":
                guard i + 1 < chars.count else { return nil }
                let escaped = chars[i + 1]
                if let control = Self.controlEscapes[escaped] {
                    literal = control
                } else if escaped.isLetter || escaped.isNumber {
                    // \w \d \s \b \v … are classes and assertions; \x \u \p \N \c \k \g and
                    // backreferences take more characters: give up on those.
                    if "xuUpPNcCkgEQ0123456789".contains(escaped) { return nil }
                } else if escaped.isASCII {
                    literal = escaped
                } else {
                    return nil
                }
                i += 2
            default:
                literal = chars[i]
                i += 1
            }
            // Its quantifier, if any.
            var once = true
            var required = true
            if i < chars.count {
                switch chars[i] {
                case "?", "*":
                    required = false
                    once = false
                    i += 1
                case "+":
                    once = false
                    i += 1
                case "{":
                    guard let close = chars[i...].firstIndex(of: "}") else { return nil }
                    let body = String(chars[(i + 1)..<close])
                    guard let minimum = Int(body.split(separator: ",", omittingEmptySubsequences: false).first ?? "") else { return nil }
                    required = minimum > 0
                    once = false
                    i = close + 1
                default:
                    break
                }
                // Lazy and possessive forms (`*?`, `++`) change how, not what, it matches.
                if !once, i < chars.count, chars[i] == "?" || chars[i] == "+" { i += 1 }
            }
            guard let literal, required, !insensitive || Self.keepsASCIICaseOnly(literal) else {
                endRun()
                continue
            }
            if once {
                current.append(literal)
            } else {
                // `a+` matches at least one `a`, but the text around it need not be adjacent to it.
                endRun()
                runs.append([literal])
            }
        }
        endRun()
        guard let longest = runs.max(by: { $0.count < $1.count }) else { return nil }
        var parts: [String] = []
        for run in runs.map({ String($0) }) where (run.count >= 2 || run == String(longest)) && !parts.contains(run) {
            parts.append(run)
        }
        return SigmaRegexLiteral(text: String(longest), ignoresASCIICase: insensitive, parts: parts)
    }

    /// The escapes of one control character ICU reads as that character.
    private static let controlEscapes: [Character: Character] = ["n": "\n", "t": "\t", "r": "\r", "f": "\u{0C}"]

    /// Whether ICU's case-insensitive match of `character` accepts nothing but its ASCII cases.
    private static func keepsASCIICaseOnly(_ character: Character) -> Bool {
        character.isASCII && !"aAfFhHiIjJkKlLnNsStTwWyY".contains(character)
    }

    /// Whether an inline option group such as `(?i)` or `(?ix:` turns on `flag`.
    private static func hasInlineFlag(_ chars: [Character], _ flag: Character) -> Bool {
        var i = 0
        while i + 2 < chars.count {
            if chars[i] == "\\" { i += 2; continue }
            if chars[i] == "(", chars[i + 1] == "?" {
                var j = i + 2
                while j < chars.count, chars[j].isLetter {
                    if chars[j] == flag { return true }
                    j += 1
                }
            }
            i += 1
        }
        return false
    }

    /// The index of the `)` that closes the group opened at `start`, skipping escapes and classes.
    private static func closingParenthesis(_ chars: [Character], from start: Int) -> Int? {
        var depth = 0
        var i = start
        while i < chars.count {
            switch chars[i] {
            case "\\": i += 1
            case "[":
                guard let end = closingBracket(chars, from: i) else { return nil }
                i = end
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// The index of the `]` that closes the class opened at `start` (ICU nests classes).
    private static func closingBracket(_ chars: [Character], from start: Int) -> Int? {
        var i = start + 1
        if i < chars.count, chars[i] == "^" { i += 1 }
        // `[]…]` and `[^]…]`: dialects differ on that first `]`; give up.
        if i < chars.count, chars[i] == "]" { return nil }
        var depth = 1
        while i < chars.count {
            switch chars[i] {
            case "\\": i += 1
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }
}
