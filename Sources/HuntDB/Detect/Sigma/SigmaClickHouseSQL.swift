import Foundation
import Model

/// The SQL dialect a Sigma rule is compiled to.
public enum SigmaDialect: String, Sendable {
    /// SQLite, with HuntDB's functions (`hunt_regexp`, `hunt_fold`, `hunt_cidr`, `hunt_hash_part`).
    case sqlite
    /// ClickHouse (18.16 and later), over the event tables of `migrations/clickhouse/`.
    case clickhouse
}

/// The leaf predicates in ClickHouse, with the meaning of SQLite's (`SigmaSQLiteLeaves`);
/// every value is bound (`:sN`), never written into SQL.
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
struct SigmaClickHouseSQL: SigmaLeafPredicates {
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

    // MARK: Values

    /// One pattern against the column, as SQLite's `match` decides it.
    func match(_ pattern: SigmaPattern, column: SigmaColumn, cased: Bool, into sql: inout SigmaSQL) -> String {
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

    func anyOf(_ literals: [String], column: SigmaColumn, into sql: inout SigmaSQL) -> String {
        "lower(\(column.sql)) IN (\(literals.map { sql.bind(Self.asciiLowercased($0)) }.joined(separator: ", ")))"
    }

    func keyword(_ test: String) -> String { "ifNull(\(test), 0)" }

    func neverNull(_ predicate: String) -> String { "ifNull(\(predicate), 0)" }

    // MARK: Type modifiers

    func regex(_ pattern: String, flags: String, column: SigmaColumn, into sql: inout SigmaSQL) throws -> String {
        let re2 = try SigmaRE2Pattern.translate(pattern, flags: flags)
        let target = column.isInteger ? "toString(\(column.sql))" : column.sql
        return "(\(column.sql) IS NOT NULL AND match(\(target), \(sql.bind(re2))))"
    }

    /// The exact forms `inet_pton` reads as IPv4 (four decimal parts up to 255, no leading zero).
    private static let ipv4Form = "'^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$'"

    func cidr(_ block: String, field: String, column: SigmaColumn, into sql: inout SigmaSQL) throws -> String {
        if let range = Self.ipv4Range(block) {
            let value = "IPv4StringToNum(assumeNotNull(\(column.sql)))"
            return "(match(ifNull(\(column.sql), ''), \(Self.ipv4Form)) AND \(value) >= \(sql.bind(.integer(range.lowerBound))) AND \(value) <= \(sql.bind(.integer(range.upperBound))))"
        }
        guard let range = Self.ipv6HexRange(block), range.lowerBound != String(repeating: "0", count: 32) else {
            throw SigmaUnsupported("\(field)|cidr: the block \(block) holds ::, which ClickHouse also gives for text that is no address")
        }
        // The address before any zone (`%eth0`), as SQLite's hunt_cidr reads it; ClickHouse's
        // parser reads what inet_pton reads except an embedded IPv4 part with leading zeros.
        let address = "splitByChar('%', ifNull(\(column.sql), ''))[1]"
        let value = "hex(IPv6StringToNum(\(address)))"
        return "(position(\(address), ':') > 0 AND (position(\(address), '.') = 0 OR match(\(address), \(Self.embeddedIPv4Form)))"
            + " AND \(value) >= \(sql.bind(range.lowerBound)) AND \(value) <= \(sql.bind(range.upperBound)))"
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

    func checkComparable(_ column: SigmaColumn, field: String) throws {
        guard column.isInteger else {
            throw SigmaUnsupported("\(field)|lt/gt on a text field on ClickHouse (SQLite reads a number prefix of the text, ClickHouse has no such conversion)")
        }
    }

    func compare(_ column: SigmaColumn, _ op: String, _ bound: RowValue, into sql: inout SigmaSQL) -> String {
        "(\(column.sql) IS NOT NULL AND \(column.sql) \(op) \(sql.bind(bound)))"
    }

    func relate(_ column: SigmaColumn, _ other: SigmaColumn, _ relation: SigmaFieldRelation, cased: Bool) -> String {
        func text(_ c: SigmaColumn) -> String { c.isInteger ? "toString(\(c.sql))" : c.sql }
        let a = cased ? text(column) : "lowerUTF8(\(text(column)))"
        let b = cased ? text(other) : "lowerUTF8(\(text(other)))"
        switch relation {
        case .contains: return "position(\(a), \(b)) > 0"
        case .startsWith: return "startsWith(\(a), \(b))"
        case .endsWith: return "endsWith(\(a), \(b))"
        case .equals: return "\(a) = \(b)"
        }
    }
}
