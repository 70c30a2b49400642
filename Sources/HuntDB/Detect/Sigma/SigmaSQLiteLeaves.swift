import Model

/// The leaf predicates in SQLite, with HuntDB's functions (`hunt_fold`, `hunt_regexp`,
/// `hunt_cidr`): SQLite's `AND`/`OR` over these never give NULL where it matters, so the
/// conditions are written as they are.
struct SigmaSQLiteLeaves: SigmaLeafPredicates {
    /// Equality when the pattern has no wildcard (NOCASE uses the indexes), LIKE or GLOB
    /// otherwise; non-ASCII text is folded with `hunt_fold`.
    func match(_ pattern: SigmaPattern, column: SigmaColumn, cased: Bool, into sql: inout SigmaSQL) -> String {
        if let literal = pattern.literalText {
            if column.isInteger {
                if let number = Int64(literal) { return "\(column.sql) = \(sql.bind(.integer(number)))" }
                return "CAST(\(column.sql) AS TEXT) = \(sql.bind(literal))"
            }
            if cased { return "\(column.sql) = \(sql.bind(literal)) COLLATE BINARY" }
            if pattern.foldsLikeSQLite { return "\(column.sql) = \(sql.bind(literal)) COLLATE NOCASE" }
            return "hunt_fold(\(column.sql)) = \(sql.bind(literal.lowercased()))"
        }
        let target = column.isInteger ? "CAST(\(column.sql) AS TEXT)" : column.sql
        if let text = pattern.containedText, cased || SigmaPattern.isCaseless(text) {
            // A plain substring search: exact, and much faster than LIKE '%…%'.
            return "instr(\(target), \(sql.bind(text))) > 0"
        }
        if cased { return "\(target) GLOB \(sql.bind(pattern.globPattern))" }
        if pattern.foldsLikeSQLite { return "\(target) LIKE \(sql.bind(pattern.likePattern)) ESCAPE '\\'" }
        return "hunt_fold(\(target)) LIKE \(sql.bind(pattern.folded.likePattern)) ESCAPE '\\'"
    }

    func anyOf(_ literals: [String], column: SigmaColumn, into sql: inout SigmaSQL) -> String {
        "\(column.sql) COLLATE NOCASE IN (\(literals.map { sql.bind($0) }.joined(separator: ", ")))"
    }

    /// `hunt_regexp` (ICU), screened by a text every match contains: it rules most values out
    /// before the regex engine runs.
    func regex(_ pattern: String, flags: String, column: SigmaColumn, into sql: inout SigmaSQL) throws -> String {
        let regex = "hunt_regexp(\(sql.bind(pattern)), \(sql.bind(flags)), \(column.sql))"
        guard let literal = SigmaRegexLiteral.required(in: pattern, caseInsensitive: flags.contains("i")) else { return regex }
        if literal.ignoresASCIICase, literal.text.contains(where: \.isLetter) {
            // LIKE ignores ASCII case, as the literal does.
            let like = SigmaPattern(literal: literal.text).surrounded(leading: true, trailing: true).likePattern
            return "(\(column.sql) LIKE \(sql.bind(like)) ESCAPE '\\' AND \(regex))"
        }
        return "(instr(\(column.sql), \(sql.bind(literal.text))) > 0 AND \(regex))"
    }

    func cidr(_ block: String, field: String, column: SigmaColumn, into sql: inout SigmaSQL) throws -> String {
        "hunt_cidr(\(column.sql), \(sql.bind(block)))"
    }

    func checkComparable(_ column: SigmaColumn, field: String) throws {}

    /// Text fields that hold numbers compare as numbers; other text does not match.
    func compare(_ column: SigmaColumn, _ op: String, _ bound: RowValue, into sql: inout SigmaSQL) -> String {
        let value = column.isInteger ? column.sql : "CAST(\(column.sql) AS REAL)"
        let guardNumeric = column.isInteger ? "" : " AND \(column.sql) GLOB '*[0-9]*'"
        return "(\(column.sql) IS NOT NULL\(guardNumeric) AND \(value) \(op) \(sql.bind(bound)))"
    }

    func relate(_ column: SigmaColumn, _ other: SigmaColumn, _ relation: SigmaFieldRelation, cased: Bool) -> String {
        let a = cased ? column.sql : "hunt_fold(\(column.sql))"
        let b = cased ? other.sql : "hunt_fold(\(other.sql))"
        switch relation {
        case .contains: return "instr(\(a), \(b)) > 0"
        case .startsWith: return "substr(\(a), 1, length(\(b))) = \(b)"
        case .endsWith: return "(length(\(b)) = 0 OR substr(\(a), -length(\(b))) = \(b))"
        case .equals: return "\(a) = \(b)"
        }
    }

    func keyword(_ test: String) -> String { "(\(test))" }

    func neverNull(_ predicate: String) -> String { predicate }
}
