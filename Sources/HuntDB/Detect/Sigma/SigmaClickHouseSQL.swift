import Foundation
import Model

/// The SQL dialect a Sigma rule is compiled to.
public enum SigmaDialect: String, Sendable {
    /// SQLite, with HuntDB's functions (`hunt_regexp`, `hunt_fold`, `hunt_cidr`, `hunt_hash_part`).
    case sqlite
    /// ClickHouse (18.16 and later), over the event tables of `migrations/clickhouse/`.
    case clickhouse
}

/// One `Field|modifiers: values` condition written for ClickHouse, with the meaning of
/// SQLite's text (`SigmaFieldCompiler`); every value is bound (`:sN`), never written into SQL.
///
/// How SQLite's forms are kept:
/// - `COLLATE NOCASE` and `LIKE` fold ASCII letters only: ClickHouse's `lower` does the same,
///   applied to the column and (in Swift) to the bound value; `GLOB` is a case-sensitive `LIKE`.
/// - `hunt_fold` (Unicode lower case) is `lowerUTF8`; `instr` is `position`.
/// - `hunt_regexp` (ICU) is `match` (RE2) over a rewritten pattern (`SigmaRE2Pattern`), or the
///   rule is refused with the reason.
/// - `hunt_cidr` is a range of `IPv4StringToNum` after an exact check of the address's form,
///   or of `hex(IPv6StringToNum(…))` for IPv6 blocks (a block that holds `::` is refused: the
///   parser gives `::` for text that is no address).
/// - In ClickHouse `0 AND NULL` is NULL, not 0: each condition is wrapped in `ifNull(…, 0)`
///   before any `NOT`, so that `not` still means "did not match".
struct SigmaClickHouseSQL {
    let fields: SigmaFieldCompiler

    func compile(_ condition: SigmaFieldCondition, modifiers: SigmaModifiers, into sql: inout SigmaSQL) throws -> String {
        let column = try fields.resolve(condition.field)
        guard !condition.values.isEmpty else { throw SigmaUnsupported("\(condition.field) has an empty list of values") }
        var predicate: String
        if modifiers.has("exists") {
            guard condition.values.count == 1, case .text(let text) = condition.values[0], let flag = Bool(text.lowercased()) else {
                throw SigmaUnsupported("\(condition.field)|exists needs true or false")
            }
            return flag ? "\(column.sql) IS NOT NULL" : "\(column.sql) IS NULL"
        } else if modifiers.has("fieldref") {
            predicate = try fieldReferences(condition, column: column, modifiers: modifiers)
        } else if modifiers.has("re") {
            predicate = try regexes(condition, column: column, modifiers: modifiers, into: &sql)
        } else if modifiers.has("cidr") {
            predicate = try cidrs(condition, column: column, modifiers: modifiers, into: &sql)
        } else if let comparison = modifiers.comparison {
            predicate = try comparisons(condition, column: column, op: comparison, modifiers: modifiers, into: &sql)
        } else {
            predicate = try strings(condition, column: column, modifiers: modifiers, into: &sql)
        }
        predicate = "ifNull(\(predicate), 0)"
        if modifiers.negated { predicate = "NOT \(predicate)" }
        return predicate
    }

    // MARK: Columns

    /// The ClickHouse expression of a field whose SQLite expression is not a plain column.
    static func column(_ key: String, kind: SigmaEventKind) -> SigmaColumn? {
        switch key {
        case "user": return user
        case "computer", "computername": return SigmaColumn("e.host", columns: ["host"])
        case "md5", "sha1", "sha256", "imphash":
            return kind == .process ? hashPart(key.uppercased()) : nil
        // 18.16's `CASE x WHEN …` over a Nullable column gives NULL for every row: multiIf instead.
        case "initiated":
            return kind == .network
                ? SigmaColumn("multiIf(e.direction = 'outgoing', 'true', e.direction = 'incoming', 'false', NULL)", columns: ["direction"]) : nil
        case "sourceisipv6": return kind == .network ? isIPv6("source_ip") : nil
        case "destinationisipv6": return kind == .network ? isIPv6("destination_ip") : nil
        default: return nil
        }
    }

    /// `DOMAIN\user` as Sysmon writes `User` (`'\\'` is one backslash in ClickHouse).
    static let userSQL = "if(isNull(e.user_domain), e.user_name, concat(e.user_domain, '\\\\', e.user_name))"
    private static let user = SigmaColumn(userSQL, columns: ["user_name", "user_domain"])

    /// One part of Sysmon's `SHA1=…,MD5=…` (the first whose name matches, any case, blanks
    /// around name and value dropped), or NULL: `hunt_hash_part`. `name` is a constant of this file.
    private static func hashPart(_ name: String) -> SigmaColumn {
        let part = "'(?i)(?:^|,)[ \\\\t]*\(name)[ \\\\t]*=([^,]*)'"
        return SigmaColumn("if(match(ifNull(e.hashes, ''), \(part)), replaceRegexpAll(extract(ifNull(e.hashes, ''), \(part)), '^[ \\\\t]+|[ \\\\t]+$', ''), NULL)",
                           columns: ["hashes"])
    }

    private static func isIPv6(_ column: String) -> SigmaColumn {
        SigmaColumn("multiIf(isNull(e.\(column)), NULL, position(assumeNotNull(e.\(column)), ':') > 0, 'true', 'false')", columns: [column])
    }

    // MARK: Plain values and wildcards

    private func strings(_ condition: SigmaFieldCondition, column: SigmaColumn, modifiers: SigmaModifiers,
                         into sql: inout SigmaSQL) throws -> String {
        if !modifiers.matchAll { return try anyString(condition, column: column, modifiers: modifiers, into: &sql) }
        var perValue: [String] = []
        for value in condition.values {
            guard case .text(let raw) = value else {
                perValue.append(absent(column))
                continue
            }
            let (patterns, cased) = try fields.patterns(for: raw, field: condition.field, modifiers: modifiers)
            if patterns.count == 1, patterns[0].literalText == "", !cased {
                perValue.append(empty(column))
                continue
            }
            let matches = patterns.map { match($0, column: column, cased: cased, into: &sql) }
            perValue.append("(\(column.sql) IS NOT NULL AND \(sqlJoin(matches, "OR")))")
        }
        return sqlJoin(perValue, "AND")
    }

    /// Values linked with OR: whole-value matches go into one `IN` list per type.
    private func anyString(_ condition: SigmaFieldCondition, column: SigmaColumn, modifiers: SigmaModifiers,
                           into sql: inout SigmaSQL) throws -> String {
        var wantsAbsent = false
        var wantsEmpty = false
        var exact: [String] = []
        var numbers: [Int64] = []
        var matches: [String] = []
        for value in condition.values {
            guard case .text(let raw) = value else {
                wantsAbsent = true
                continue
            }
            let (patterns, cased) = try fields.patterns(for: raw, field: condition.field, modifiers: modifiers)
            if patterns.count == 1, patterns[0].literalText == "", !cased {
                wantsEmpty = true
                continue
            }
            for pattern in patterns {
                if let literal = pattern.literalText, column.isInteger, let number = Int64(literal) {
                    numbers.append(number)
                } else if let literal = pattern.literalText, !column.isInteger, !cased, pattern.foldsLikeSQLite {
                    exact.append(literal)
                } else {
                    matches.append(match(pattern, column: column, cased: cased, into: &sql))
                }
            }
        }
        if exact.count == 1 {
            matches.append(match(SigmaPattern(literal: exact[0]), column: column, cased: false, into: &sql))
        } else if exact.count > 1 {
            let list = exact.map { sql.bind(Self.asciiLowercased($0)) }.joined(separator: ", ")
            matches.append("lower(\(column.sql)) IN (\(list))")
        }
        if numbers.count == 1 {
            matches.append("\(column.sql) = \(sql.bind(.integer(numbers[0])))")
        } else if numbers.count > 1 {
            matches.append("\(column.sql) IN (\(numbers.map { sql.bind(.integer($0)) }.joined(separator: ", ")))")
        }
        var parts: [String] = []
        if wantsAbsent { parts.append(absent(column)) }
        if wantsEmpty { parts.append(empty(column)) }
        if !matches.isEmpty { parts.append("(\(column.sql) IS NOT NULL AND \(sqlJoin(matches, "OR")))") }
        return sqlJoin(parts, "OR")
    }

    private func absent(_ column: SigmaColumn) -> String {
        column.isInteger || column.keepsEmpty ? "\(column.sql) IS NULL" : "(\(column.sql) IS NULL OR \(column.sql) = '')"
    }

    private func empty(_ column: SigmaColumn) -> String {
        column.keepsEmpty ? "\(column.sql) = ''" : absent(column)
    }

    /// One pattern against the column, as SQLite's `match` decides it.
    private func match(_ pattern: SigmaPattern, column: SigmaColumn, cased: Bool, into sql: inout SigmaSQL) -> String {
        if let literal = pattern.literalText {
            if column.isInteger {
                if let number = Int64(literal) { return "\(column.sql) = \(sql.bind(.integer(number)))" }
                return "toString(\(column.sql)) = \(sql.bind(literal))"
            }
            if cased { return "\(column.sql) = \(sql.bind(literal))" }
            if pattern.foldsLikeSQLite { return "lower(\(column.sql)) = \(sql.bind(Self.asciiLowercased(literal)))" }
            return "lowerUTF8(\(column.sql)) = \(sql.bind(literal.lowercased()))"
        }
        let target = column.isInteger ? "toString(\(column.sql))" : column.sql
        if let text = pattern.containedText, cased || SigmaPattern.isCaseless(text) {
            return "position(\(target), \(sql.bind(text))) > 0"
        }
        if cased { return "\(target) LIKE \(sql.bind(pattern.likePattern))" }
        if pattern.foldsLikeSQLite { return "lower(\(target)) LIKE \(sql.bind(Self.asciiLowercased(pattern.likePattern)))" }
        return "lowerUTF8(\(target)) LIKE \(sql.bind(pattern.folded.likePattern))"
    }

    /// ASCII letters lower-cased, every other character kept (what `lower` and NOCASE do).
    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5a).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    // MARK: Keywords

    func keywords(_ values: [SigmaScalar], all: Bool, into sql: inout SigmaSQL) throws -> String {
        var perValue: [String] = []
        for value in values {
            guard case .text(let raw) = value else { throw SigmaUnsupported("a null keyword") }
            let pattern = SigmaPattern(sigma: raw).surrounded(leading: true, trailing: true)
            let columns = fields.kind.keywordColumns.filter { column in
                column.columns.allSatisfy { name in fields.context.storedColumns?[fields.kind]?.contains(name) ?? true }
            }
            perValue.append(sqlJoin(columns.map { "ifNull(\($0.sql) IS NOT NULL AND \(match(pattern, column: $0, cased: false, into: &sql)), 0)" }, "OR"))
        }
        return sqlJoin(perValue, all ? "AND" : "OR")
    }

    // MARK: Type modifiers

    private func texts(_ condition: SigmaFieldCondition, what: String) throws -> [String] {
        try condition.values.map { value in
            guard case .text(let text) = value else { throw SigmaUnsupported("\(condition.field)|\(what) has a null value") }
            return text
        }
    }

    private func regexes(_ condition: SigmaFieldCondition, column: SigmaColumn, modifiers: SigmaModifiers,
                         into sql: inout SigmaSQL) throws -> String {
        let flags = ["i", "m", "s"].filter(modifiers.has).joined()
        let parts = try texts(condition, what: "re").map { pattern -> String in
            do {
                _ = try NSRegularExpression(pattern: pattern, options: SigmaRegexFlags.options(flags))
            } catch {
                throw SigmaUnsupported("invalid regular expression \(pattern.debugDescription) for \(condition.field)")
            }
            let re2 = try SigmaRE2Pattern.translate(pattern, flags: flags)
            let target = column.isInteger ? "toString(\(column.sql))" : column.sql
            return "(\(column.sql) IS NOT NULL AND match(\(target), \(sql.bind(re2))))"
        }
        return sqlJoin(parts, modifiers.matchAll ? "AND" : "OR")
    }

    /// The exact forms `inet_pton` reads as IPv4 (four decimal parts up to 255, no leading zero).
    private static let ipv4Form = "'^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$'"

    private func cidrs(_ condition: SigmaFieldCondition, column: SigmaColumn, modifiers: SigmaModifiers,
                       into sql: inout SigmaSQL) throws -> String {
        let parts = try texts(condition, what: "cidr").map { block -> String in
            guard IPRange(block) != nil else { throw SigmaUnsupported("\(condition.field)|cidr: \(block) is not an address block") }
            if let range = Self.ipv4Range(block) {
                let value = "IPv4StringToNum(assumeNotNull(\(column.sql)))"
                return "(match(ifNull(\(column.sql), ''), \(Self.ipv4Form)) AND \(value) >= \(sql.bind(.integer(range.lowerBound))) AND \(value) <= \(sql.bind(.integer(range.upperBound))))"
            }
            guard let range = Self.ipv6HexRange(block), range.lowerBound != String(repeating: "0", count: 32) else {
                throw SigmaUnsupported("\(condition.field)|cidr: the block \(block) holds ::, which ClickHouse also gives for text that is no address")
            }
            // The address before any zone (`%eth0`), as SQLite's hunt_cidr reads it; ClickHouse's
            // parser reads what inet_pton reads except an embedded IPv4 part with leading zeros.
            let address = "splitByChar('%', ifNull(\(column.sql), ''))[1]"
            let value = "hex(IPv6StringToNum(\(address)))"
            return "(position(\(address), ':') > 0 AND (position(\(address), '.') = 0 OR match(\(address), \(Self.embeddedIPv4Form)))"
                + " AND \(value) >= \(sql.bind(range.lowerBound)) AND \(value) <= \(sql.bind(range.upperBound)))"
        }
        return sqlJoin(parts, modifiers.matchAll ? "AND" : "OR")
    }

    /// An IPv6 address's last part written as IPv4, in the exact form `inet_pton` reads.
    private static let embeddedIPv4Form = "':((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$'"

    /// The first and last address of an IPv6 block as 32 upper-case hex digits (`hex` of
    /// `IPv6StringToNum`, which compare in address order).
    static func ipv6HexRange(_ block: String) -> ClosedRange<String>? {
        let parts = block.split(separator: "/", maxSplits: 1)
        var address = in6_addr()
        guard inet_pton(AF_INET6, String(parts[0]), &address) == 1 else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) ?? 128 : 128
        var low = withUnsafeBytes(of: &address) { Array($0) }
        var high = low
        for bit in prefix..<128 {
            low[bit / 8] &= ~(UInt8(0x80) >> (bit % 8))
            high[bit / 8] |= UInt8(0x80) >> (bit % 8)
        }
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }
        return hex(low)...hex(high)
    }

    /// The addresses of an IPv4 block as 32-bit numbers, nil for IPv6.
    static func ipv4Range(_ block: String) -> ClosedRange<Int64>? {
        let parts = block.split(separator: "/", maxSplits: 1)
        var address = in_addr()
        guard inet_pton(AF_INET, String(parts[0]), &address) == 1 else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) ?? 32 : 32
        let value = Int64(UInt32(bigEndian: address.s_addr))
        let size = Int64(1) << (32 - prefix)
        let low = value & ~(size - 1)
        return low...(low + size - 1)
    }

    private func comparisons(_ condition: SigmaFieldCondition, column: SigmaColumn, op: String, modifiers: SigmaModifiers,
                             into sql: inout SigmaSQL) throws -> String {
        guard column.isInteger else {
            throw SigmaUnsupported("\(condition.field)|lt/gt on a text field on ClickHouse (SQLite reads a number prefix of the text, ClickHouse has no such conversion)")
        }
        let parts = try texts(condition, what: "lt/gt").map { text -> String in
            let bound: RowValue
            if let integer = Int64(text) { bound = .integer(integer) } else if let real = Double(text) { bound = .real(real) } else {
                throw SigmaUnsupported("\(condition.field): \(text) is not a number")
            }
            return "(\(column.sql) IS NOT NULL AND \(column.sql) \(op) \(sql.bind(bound)))"
        }
        return sqlJoin(parts, modifiers.matchAll ? "AND" : "OR")
    }

    private func fieldReferences(_ condition: SigmaFieldCondition, column: SigmaColumn, modifiers: SigmaModifiers) throws -> String {
        let parts = try texts(condition, what: "fieldref").map { name -> String in
            let other = try fields.resolve(name)
            func text(_ c: SigmaColumn) -> String { c.isInteger ? "toString(\(c.sql))" : c.sql }
            let a = modifiers.cased ? text(column) : "lowerUTF8(\(text(column)))"
            let b = modifiers.cased ? text(other) : "lowerUTF8(\(text(other)))"
            let test: String
            if modifiers.contains {
                test = "position(\(a), \(b)) > 0"
            } else if modifiers.startsWith {
                test = "startsWith(\(a), \(b))"
            } else if modifiers.endsWith {
                test = "endsWith(\(a), \(b))"
            } else {
                test = "\(a) = \(b)"
            }
            return "(\(column.sql) IS NOT NULL AND \(other.sql) IS NOT NULL AND \(test))"
        }
        return sqlJoin(parts, modifiers.matchAll ? "AND" : "OR")
    }
}
