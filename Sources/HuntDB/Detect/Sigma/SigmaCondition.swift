/// A rule's condition, parsed: search identifiers combined with `and`, `or`, `not`,
/// parentheses and `N of` / `all of` over identifier patterns or `them`.
///
/// Precedence, least binding first: `or`, `and`, `not`, `x of`, parentheses (Sigma v2).
public indirect enum SigmaCondition: Sendable, Equatable {
    case search(String)
    case and([SigmaCondition])
    case or([SigmaCondition])
    case not(SigmaCondition)
    /// At least `count` of the named searches (`1 of`, `any of`); `count == nil` means all.
    case atLeast(Int?, [String])

    /// Parses `text` against the rule's search identifiers.
    /// - Throws: `SigmaConditionError` describing the syntax error or the unknown identifier.
    public static func parse(_ text: String, searches: [String]) throws -> SigmaCondition {
        var parser = Parser(tokens: try tokenize(text), searches: searches)
        let condition = try parser.parseOr()
        if let extra = parser.peek { throw SigmaConditionError("unexpected \"\(extra)\" in the condition \"\(text)\"") }
        return condition
    }

    private static func tokenize(_ text: String) throws -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "(" || character == ")" {
                if !current.isEmpty { tokens.append(current); current = "" }
                tokens.append(String(character))
            } else if character.isWhitespace {
                if !current.isEmpty { tokens.append(current); current = "" }
            } else if character.isLetter || character.isNumber || "_*-.".contains(character) {
                current.append(character)
            } else {
                throw SigmaConditionError("the character \"\(character)\" cannot appear in a condition (aggregations like `| count()` are not supported)")
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private struct Parser {
        let tokens: [String]
        let searches: [String]
        var position = 0

        init(tokens: [String], searches: [String]) {
            self.tokens = tokens
            self.searches = searches
        }

        var peek: String? { position < tokens.count ? tokens[position] : nil }
        var peekKeyword: String? { peek?.lowercased() }

        mutating func next() throws -> String {
            guard let token = peek else { throw SigmaConditionError("the condition ends too early") }
            position += 1
            return token
        }

        mutating func parseOr() throws -> SigmaCondition {
            var terms = [try parseAnd()]
            while peekKeyword == "or" {
                position += 1
                terms.append(try parseAnd())
            }
            return terms.count == 1 ? terms[0] : .or(terms)
        }

        mutating func parseAnd() throws -> SigmaCondition {
            var terms = [try parseNot()]
            while peekKeyword == "and" {
                position += 1
                terms.append(try parseNot())
            }
            return terms.count == 1 ? terms[0] : .and(terms)
        }

        mutating func parseNot() throws -> SigmaCondition {
            if peekKeyword == "not" {
                position += 1
                return .not(try parseNot())
            }
            return try parsePrimary()
        }

        mutating func parsePrimary() throws -> SigmaCondition {
            let token = try next()
            let keyword = token.lowercased()
            if token == "(" {
                let inner = try parseOr()
                guard peek == ")" else { throw SigmaConditionError("a parenthesis is not closed") }
                position += 1
                return inner
            }
            if token == ")" { throw SigmaConditionError("a \")\" has no matching \"(\"") }
            if ["and", "or", "of"].contains(keyword) { throw SigmaConditionError("\"\(token)\" where a search identifier was expected") }
            if peekKeyword == "of" {
                let count: Int?
                if keyword == "all" {
                    count = nil
                } else if keyword == "any" {
                    count = 1
                } else if let number = Int(token), number > 0 {
                    count = number
                } else {
                    throw SigmaConditionError("\"\(token) of\": expected 1, any or all before \"of\"")
                }
                position += 1
                let pattern = try next()
                let names = pattern.lowercased() == "them"
                    ? searches.filter { !$0.hasPrefix("_") }
                    : searches.filter { Self.matches($0, pattern: pattern) }
                guard !names.isEmpty else { throw SigmaConditionError("\"\(token) of \(pattern)\" matches no search identifier") }
                return .atLeast(count, names)
            }
            guard !token.contains("*") else { throw SigmaConditionError("the pattern \(token) needs \"1 of\" or \"all of\" before it") }
            guard searches.contains(token) else {
                throw SigmaConditionError("the condition names \"\(token)\", which the detection does not define")
            }
            return .search(token)
        }

        /// Whether `name` matches an identifier pattern whose only wildcard is `*`.
        static func matches(_ name: String, pattern: String) -> Bool {
            let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 1 { return name == pattern }
            var rest = Substring(name)
            guard rest.hasPrefix(parts[0]) else { return false }
            rest = rest.dropFirst(parts[0].count)
            for part in parts.dropFirst().dropLast() where !part.isEmpty {
                guard let range = rest.range(of: part) else { return false }
                rest = rest[range.upperBound...]
            }
            return rest.hasSuffix(parts.last!) && rest.count >= parts.last!.count
        }
    }
}

/// A condition that does not parse.
public struct SigmaConditionError: Error, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}
