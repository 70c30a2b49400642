import Foundation
import Model

/// What a compilation needs besides the rule: the event kind, `--placeholder` values and the
/// columns the database holds.
public struct SigmaCompileContext: Sendable {
    public var placeholders: [String: [String]]
    /// The stored columns of the kind's table; nil means "every column this version writes".
    public var storedColumns: [SigmaEventKind: Set<String>]?

    public init(placeholders: [String: [String]] = [:], storedColumns: [SigmaEventKind: Set<String>]? = nil) {
        self.placeholders = placeholders
        self.storedColumns = storedColumns
    }
}

/// Compiles one `Field|modifiers: values` condition to an SQL predicate that is never NULL
/// (true or false), so that `not` in a condition means "did not match".
struct SigmaFieldCompiler {
    let kind: SigmaEventKind
    let context: SigmaCompileContext
    /// The SQL written: the structure is this file's, the leaf predicates the dialect's
    /// (`SigmaSQLiteLeaves`, `SigmaClickHouseSQL`).
    var dialect: SigmaDialect = .sqlite

    func compile(_ condition: SigmaFieldCondition, into sql: inout SigmaSQL) throws -> String {
        let modifiers = try SigmaModifiers(condition.modifiers)
        if condition.field.isEmpty {
            // `'|all': [...]` under a search: keywords that must all appear.
            return try keywords(condition.values, all: modifiers.matchAll, into: &sql)
        }
        let column = try resolve(condition.field)
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
        predicate = leaves.neverNull(predicate)
        if modifiers.negated { predicate = "NOT \(predicate)" }
        return predicate
    }

    /// The leaf predicates of the dialect written.
    var leaves: any SigmaLeafPredicates {
        switch dialect {
        case .sqlite: return SigmaSQLiteLeaves()
        case .clickhouse: return SigmaClickHouseSQL()
        }
    }

    /// The column for a field, or why we cannot answer it.
    func resolve(_ field: String) throws -> SigmaColumn {
        guard let column = kind.column(for: field, dialect: dialect) else {
            throw SigmaUnsupported("field \(field) is not stored for \(kind == .process ? "process_creation" : "network_connection")")
        }
        if let stored = context.storedColumns?[kind], let missing = column.columns.first(where: { !stored.contains($0) }) {
            throw SigmaUnsupported("field \(field) needs the column \(missing), which this database does not have yet (upgrade it with a newer hunt load)")
        }
        return column
    }

    /// Values as text; null only where allowed.
    private func texts(_ condition: SigmaFieldCondition, what: String) throws -> [String] {
        try condition.values.map { value in
            guard case .text(let text) = value else { throw SigmaUnsupported("\(condition.field)|\(what) has a null value") }
            return text
        }
    }

    private func combine(_ parts: [String], all: Bool) -> String { sqlJoin(parts, all ? "AND" : "OR") }

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
            let (patterns, cased) = try patterns(for: raw, field: condition.field, modifiers: modifiers)
            if patterns.count == 1, patterns[0].literalText == "", !cased {
                perValue.append(empty(column))
                continue
            }
            let matches = patterns.map { leaves.match($0, column: column, cased: cased, into: &sql) }
            perValue.append("(\(column.sql) IS NOT NULL AND \(sqlJoin(matches, "OR")))")
        }
        return combine(perValue, all: modifiers.matchAll)
    }

    /// Values linked with OR: whole-value matches go into one `IN` list per type (one lookup per
    /// row instead of one comparison per value: rules list thousands of hashes, names or ports).
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
            let (patterns, cased) = try patterns(for: raw, field: condition.field, modifiers: modifiers)
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
                    matches.append(leaves.match(pattern, column: column, cased: cased, into: &sql))
                }
            }
        }
        if exact.count == 1 {
            matches.append(leaves.match(SigmaPattern(literal: exact[0]), column: column, cased: false, into: &sql))
        } else if exact.count > 1 {
            matches.append(leaves.anyOf(exact, column: column, into: &sql))
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

    /// `Field: null`: the event has no value. Where loaders store an empty value as absent
    /// (every text field but the command lines), an empty value matches too: it is stored the same.
    private func absent(_ column: SigmaColumn) -> String {
        column.isInteger || column.keepsEmpty ? "\(column.sql) IS NULL" : "(\(column.sql) IS NULL OR \(column.sql) = '')"
    }

    /// `Field: ''`: the value is empty; where an empty value is stored as absent, absent matches too.
    private func empty(_ column: SigmaColumn) -> String {
        column.keepsEmpty ? "\(column.sql) = ''" : absent(column)
    }

    /// The patterns one written value stands for after `expand`, the encodings and `windash`,
    /// wrapped by contains/startswith/endswith; and whether they must match case-sensitively.
    func patterns(for raw: String, field: String, modifiers: SigmaModifiers) throws -> ([SigmaPattern], Bool) {
        var texts = [raw]
        if modifiers.has("expand") { texts = try expand(raw) }
        var patterns = texts.map { SigmaPattern(sigma: $0) }
        var bytes: [[UInt8]]?
        var cased = modifiers.cased
        for modifier in modifiers.list {
            switch modifier {
            case "windash":
                guard bytes == nil else { throw SigmaUnsupported("\(field): |windash after an encoding") }
                patterns = try patterns.flatMap { pattern -> [SigmaPattern] in
                    guard let variants = pattern.windashVariants() else { throw SigmaUnsupported("\(field): |windash on a value with too many dashes") }
                    return variants
                }
            case "wide", "utf16le", "utf16be", "utf16":
                guard bytes == nil else { throw SigmaUnsupported("\(field): two text encodings (|\(modifier))") }
                bytes = try patterns.map { pattern in
                    guard let text = pattern.literalText else { throw SigmaUnsupported("\(field): |\(modifier) of a value with wildcards") }
                    switch modifier {
                    case "utf16be": return SigmaEncoding.utf16BE(text)
                    case "utf16": return SigmaEncoding.utf16WithBOM(text)
                    default: return SigmaEncoding.utf16LE(text)
                    }
                }
                // Without a Base64 step the bytes are matched as text: one character per byte.
                patterns = bytes!.map { SigmaPattern(literal: String(String.UnicodeScalarView($0.map { Unicode.Scalar($0) }))) }
            case "base64", "base64offset":
                let input = try bytes ?? patterns.map { pattern in
                    guard let text = pattern.literalText else { throw SigmaUnsupported("\(field): |\(modifier) of a value with wildcards") }
                    return Array(text.utf8)
                }
                let encoded = modifier == "base64" ? input.map { [SigmaEncoding.base64($0)] } : input.map(SigmaEncoding.base64Offsets)
                patterns = encoded.flatMap { $0 }.map(SigmaPattern.init(literal:))
                bytes = nil
                // Base64 text is case-sensitive: another case is other bytes.
                cased = true
            default:
                break
            }
        }
        let wrapped = patterns.map {
            $0.surrounded(leading: modifiers.contains || modifiers.endsWith, trailing: modifiers.contains || modifiers.startsWith)
        }
        return (wrapped, cased)
    }

    /// `%name%` placeholders replaced by each of their values (`\%` is a plain percent sign).
    private func expand(_ raw: String) throws -> [String] {
        var results = [""]
        var rest = Substring(raw)
        while let index = rest.firstIndex(where: { $0 == "%" || $0 == "\\" }) {
            let before = rest[..<index]
            results = results.map { $0 + before }
            if rest[index] == "\\" {
                let next = rest.index(after: index)
                if next < rest.endIndex, rest[next] == "%" {
                    // Keep the escape for the wildcard reader, which leaves `\%` as `\%`: drop it here.
                    results = results.map { $0 + "%" }
                    rest = rest[rest.index(after: next)...]
                } else {
                    results = results.map { $0 + "\\" }
                    rest = rest[next...]
                }
                continue
            }
            let afterOpen = rest.index(after: index)
            guard let close = rest[afterOpen...].firstIndex(of: "%") else {
                results = results.map { $0 + "%" }
                rest = rest[afterOpen...]
                continue
            }
            let name = String(rest[afterOpen..<close])
            guard let values = context.placeholders[name] ?? context.placeholders[name.lowercased()], !values.isEmpty else {
                throw SigmaUnsupported("placeholder %\(name)% has no value (give --placeholder \(name)=FILE|VALUES)")
            }
            results = results.flatMap { prefix in values.map { prefix + $0 } }
            rest = rest[rest.index(after: close)...]
        }
        return results.map { $0 + rest }
    }

    // MARK: Keywords

    /// Keywords are searched in every text field of the event (as `contains`).
    func keywords(_ values: [SigmaScalar], all: Bool, into sql: inout SigmaSQL) throws -> String {
        var perValue: [String] = []
        for value in values {
            guard case .text(let raw) = value else { throw SigmaUnsupported("a null keyword") }
            let pattern = SigmaPattern(sigma: raw).surrounded(leading: true, trailing: true)
            let columns = kind.keywordColumns.filter { column in
                column.columns.allSatisfy { name in context.storedColumns?[kind]?.contains(name) ?? true }
            }
            perValue.append(sqlJoin(columns.map { column in
                leaves.keyword("\(column.sql) IS NOT NULL AND \(leaves.match(pattern, column: column, cased: false, into: &sql))")
            }, "OR"))
        }
        return combine(perValue, all: all)
    }

    // MARK: Type modifiers

    private func regexes(_ condition: SigmaFieldCondition, column: SigmaColumn, modifiers: SigmaModifiers,
                         into sql: inout SigmaSQL) throws -> String {
        let flags = ["i", "m", "s"].filter(modifiers.has).joined()
        let parts = try texts(condition, what: "re").map { pattern -> String in
            do {
                _ = try NSRegularExpression(pattern: pattern, options: SigmaRegexFlags.options(flags))
            } catch {
                throw SigmaUnsupported("invalid regular expression \(pattern.debugDescription) for \(condition.field)")
            }
            return try leaves.regex(pattern, flags: flags, column: column, into: &sql)
        }
        return combine(parts, all: modifiers.matchAll)
    }

    private func cidrs(_ condition: SigmaFieldCondition, column: SigmaColumn, modifiers: SigmaModifiers,
                       into sql: inout SigmaSQL) throws -> String {
        let parts = try texts(condition, what: "cidr").map { block -> String in
            guard IPRange(block) != nil else { throw SigmaUnsupported("\(condition.field)|cidr: \(block) is not an address block") }
            return try leaves.cidr(block, field: condition.field, column: column, into: &sql)
        }
        return combine(parts, all: modifiers.matchAll)
    }

    private func comparisons(_ condition: SigmaFieldCondition, column: SigmaColumn, op: String, modifiers: SigmaModifiers,
                             into sql: inout SigmaSQL) throws -> String {
        try leaves.checkComparable(column, field: condition.field)
        let parts = try texts(condition, what: "lt/gt").map { text -> String in
            let bound: RowValue
            if let integer = Int64(text) { bound = .integer(integer) } else if let real = Double(text) { bound = .real(real) } else {
                throw SigmaUnsupported("\(condition.field): \(text) is not a number")
            }
            return leaves.compare(column, op, bound, into: &sql)
        }
        return combine(parts, all: modifiers.matchAll)
    }

    /// `Field|fieldref: Other`: compares two fields of the same event (with contains,
    /// startswith or endswith: one within the other), case-insensitively unless cased.
    private func fieldReferences(_ condition: SigmaFieldCondition, column: SigmaColumn, modifiers: SigmaModifiers) throws -> String {
        let relation: SigmaFieldRelation = modifiers.contains ? .contains
            : modifiers.startsWith ? .startsWith : modifiers.endsWith ? .endsWith : .equals
        let parts = try texts(condition, what: "fieldref").map { name -> String in
            let other = try resolve(name)
            let test = leaves.relate(column, other, relation, cased: modifiers.cased)
            return "(\(column.sql) IS NOT NULL AND \(other.sql) IS NOT NULL AND \(test))"
        }
        return combine(parts, all: modifiers.matchAll)
    }
}

/// The `re` sub-modifiers as regular-expression options.
enum SigmaRegexFlags {
    static func options(_ flags: String) -> NSRegularExpression.Options {
        var options: NSRegularExpression.Options = []
        if flags.contains("i") { options.insert(.caseInsensitive) }
        if flags.contains("m") { options.insert(.anchorsMatchLines) }
        if flags.contains("s") { options.insert(.dotMatchesLineSeparators) }
        return options
    }
}
