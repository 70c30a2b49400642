/// A Sigma `|re` pattern (ICU syntax and meaning, as SQLite's `hunt_regexp` runs it) rewritten
/// for RE2, the engine of ClickHouse's `match`, so that both match the same texts; or the
/// reason it cannot be.
///
/// Where the engines differ and the rewrite keeps ICU's meaning:
/// - `.` stops at every ICU line terminator (`\n \v \f \r`, U+0085, U+2028, U+2029); RE2's
///   stops at `\n` only, and ClickHouse runs RE2 with `.` matching everything.
/// - `$` (without `m`) also matches before a line terminator that ends the text in ICU.
/// - `\d`, `\s` are Unicode in ICU (`\p{Nd}`, `\p{White_Space}`), ASCII in RE2.
/// - `\uhhhh`, `\e` and `(?<name>` are spelled `\x{hhhh}`, `\x1b` and `(?P<name>`.
///
/// Refused, because RE2 has no exact equivalent: lookaround, backreferences, atomic groups and
/// possessive quantifiers, `\w \W \b \B` (Unicode word characters in ICU, ASCII in RE2), `\Z \G
/// \X \R \h \v \N \Q \p`, nested or intersected classes, the `m` flag, and case-insensitive
/// patterns that hold a text ICU folds to several characters (`ss` matches `ß`, `fi` matches
/// `ﬁ` in ICU, not in RE2) or any non-ASCII character.
enum SigmaRE2Pattern {
    /// ICU's line terminators, as an RE2 class body.
    private static let lineTerminators = #"\n\x0b\x0c\r\x{85}\x{2028}\x{2029}"#
    /// ICU's `\s` (`\p{White_Space}`), as an RE2 class body.
    private static let whiteSpace = #"\t\n\x0b\x0c\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"#
    /// Letter pairs that one character folds to in ICU's case-insensitive matching.
    private static let foldedPairs = ["ss", "st", "ff", "fi", "fl"]

    /// The RE2 pattern with `flags` (`i`, `s`) written in front.
    static func translate(_ pattern: String, flags: String) throws -> String {
        if flags.contains("m") { throw refusal("the m flag (ICU and RE2 end lines at different characters)") }
        let caseless = flags.contains("i") || pattern.contains("(?i")
        if caseless {
            if !pattern.unicodeScalars.allSatisfy(\.isASCII) { throw refusal("a case-insensitive pattern with non-ASCII characters") }
            let lower = pattern.lowercased()
            if let pair = foldedPairs.first(where: lower.contains) {
                throw refusal("case-insensitive \"\(pair)\" (ICU also matches the one character it folds from, RE2 does not)")
            }
        }
        let dotAll = flags.contains("s")
        var out = ""
        let chars = Array(pattern.unicodeScalars)
        var i = 0
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < chars.count ? chars[i + offset] : nil }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\\":
                guard let next = peek(1) else { throw refusal("a trailing backslash") }
                out += try escape(next, inClass: false, chars: chars, at: &i)
                continue
            case "[":
                out += try characterClass(chars, at: &i)
                continue
            case ".":
                out += dotAll ? "." : "[^\(lineTerminators)]"
            case "$":
                // Only at the end of the pattern or of a group/alternative does the rewrite keep its meaning.
                if let next = peek(1), next != ")", next != "|" { throw refusal("$ followed by more pattern") }
                out += "(?:\\r\\n|[\(lineTerminators)])?\\z"
            case "(":
                if peek(1) == "?" {
                    guard let kind = peek(2) else { throw refusal("an unfinished group") }
                    switch kind {
                    case ":":
                        out += "(?:"
                        i += 3
                        continue
                    case "<" where peek(3) != "=" && peek(3) != "!":
                        out += "(?P<"
                        i += 3
                        continue
                    case "P":
                        out += "(?P"
                        i += 3
                        continue
                    case "i", "s", "-":
                        // Inline flags: i and s only (m and x are refused).
                        var j = i + 2
                        var flagText = ""
                        while j < chars.count, chars[j] != ")", chars[j] != ":" {
                            flagText.unicodeScalars.append(chars[j])
                            j += 1
                        }
                        guard flagText.allSatisfy({ "is-".contains($0) }), j < chars.count else {
                            throw refusal("the inline flags (?\(flagText)")
                        }
                        if flagText.contains("s") { throw refusal("an inline s flag (it changes what . means)") }
                        out += "(?" + flagText + String(chars[j])
                        i = j + 1
                        continue
                    default:
                        throw refusal("the group (?\(kind) (lookaround, atomic group, comment or flag RE2 lacks)")
                    }
                }
                out += "("
            case "*", "+", "?", "}":
                if let next = peek(1), next == "+" { throw refusal("a possessive quantifier") }
                out.unicodeScalars.append(c)
            default:
                out.unicodeScalars.append(c)
            }
            i += 1
        }
        var prefix = ""
        if flags.contains("i") { prefix += "i" }
        if dotAll { prefix += "s" }
        return (prefix.isEmpty ? "" : "(?\(prefix))") + out
    }

    /// The RE2 text of the escape at `i` (a backslash); moves `i` past it.
    private static func escape(_ next: Unicode.Scalar, inClass: Bool, chars: [Unicode.Scalar], at i: inout Int) throws -> String {
        i += 2
        switch next {
        case "d": return inClass ? "\\p{Nd}" : "\\p{Nd}"
        case "D":
            if inClass { throw refusal("\\D inside a class") }
            return "\\P{Nd}"
        case "s": return inClass ? whiteSpace : "[\(whiteSpace)]"
        case "S":
            if inClass { throw refusal("\\S inside a class") }
            return "[^\(whiteSpace)]"
        case "t", "n", "r", "f": return "\\" + String(next)
        case "a": return "\\x07"
        case "e": return "\\x1b"
        case "A": return inClass ? "A" : "\\A"
        case "z": return inClass ? "z" : "\\z"
        case "x":
            // \xhh or \x{h…}: the same in RE2.
            if i < chars.count, chars[i] == "{" {
                var text = "\\x{"
                i += 1
                while i < chars.count, chars[i] != "}" { text.unicodeScalars.append(chars[i]); i += 1 }
                i += 1
                return text + "}"
            }
            guard i + 1 < chars.count else { throw refusal("an unfinished \\x escape") }
            let hex = String(String.UnicodeScalarView(chars[i..<i + 2]))
            i += 2
            return "\\x" + hex
        case "u":
            guard i + 3 < chars.count else { throw refusal("an unfinished \\u escape") }
            let hex = String(String.UnicodeScalarView(chars[i..<i + 4]))
            guard hex.allSatisfy(\.isHexDigit) else { throw refusal("the escape \\u\(hex)") }
            i += 4
            return "\\x{\(hex)}"
        default:
            if next.isASCII, !(next.properties.isAlphabetic || ("0"..."9").contains(next)) {
                // An escaped punctuation character is that character in both.
                return "\\" + String(next)
            }
            throw refusal("the escape \\\(next) (no exact RE2 equivalent)")
        }
    }

    /// The class `[…]` starting at `i`; moves `i` past it. Nested classes, set operations and
    /// POSIX names are refused.
    private static func characterClass(_ chars: [Unicode.Scalar], at i: inout Int) throws -> String {
        var out = "["
        i += 1
        if i < chars.count, chars[i] == "^" { out += "^"; i += 1 }
        if i < chars.count, chars[i] == "]" { throw refusal("a class starting with ]") }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "]":
                i += 1
                return out + "]"
            case "[":
                throw refusal("a nested class or POSIX class name")
            case "\\":
                guard i + 1 < chars.count else { throw refusal("a trailing backslash") }
                out += try escape(chars[i + 1], inClass: true, chars: chars, at: &i)
            case "&" where i + 1 < chars.count && chars[i + 1] == "&":
                throw refusal("a class intersection (&&)")
            case "-" where i + 1 < chars.count && chars[i + 1] == "-":
                throw refusal("a class difference (--)")
            default:
                out.unicodeScalars.append(c)
                i += 1
            }
        }
        throw refusal("an unclosed class")
    }

    private static func refusal(_ what: String) -> SigmaUnsupported {
        SigmaUnsupported("regular expression on ClickHouse: \(what)")
    }
}
