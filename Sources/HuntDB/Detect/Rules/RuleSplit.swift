import Foundation
import Model

/// `-- split: hosts by time, child_event_id`: the rule computes each host's rows from that
/// host's events alone, so its SQL can run in parts, one set of hosts each, on several
/// connections at once, and the parts' rows merged in the order the SQL returns them.
///
/// The SQL declares two parameters the engine binds: `host_parts` (how many parts, NULL when
/// the rule runs whole) and `host_part` (this part, 0 to `host_parts - 1`); a part keeps the
/// hosts with `host_id % :host_parts = :host_part`. The columns after `by` must order the
/// SQL's rows totally (its `ORDER BY`), so the merge gives exactly the rows and the order of
/// one whole run.
public struct RuleSplit: Sendable, Equatable {
    /// The parameters the engine binds for a part.
    public static let partsParameter = "host_parts"
    public static let partParameter = "host_part"

    /// The returned columns that order the rows, most significant first (all ascending).
    public var orderColumns: [String]

    /// Parses the value of a `-- split:` line.
    /// - Throws: `RuleError` at `at` when it does not read `hosts by COLUMN[, COLUMN…]`.
    init(declaration: String, at: String) throws {
        let words = HeaderDeclaration(declaration).words
        guard words.count >= 3, words[0] == "hosts", words[1] == "by" else {
            throw RuleError("\(at): a split reads `-- split: hosts by COLUMN[, COLUMN…] [-- help]`")
        }
        let columns = words.dropFirst(2).joined(separator: " ").split(separator: ",").map { String($0.trimmedBlanks) }
        guard !columns.isEmpty, columns.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
            throw RuleError("\(at): the split's order must name returned columns, separated by commas")
        }
        orderColumns = columns
    }

    /// Checks that `query` declares the two parameters a part is bound with, and that its SQL
    /// names them (a part that ignored them would return every host's rows).
    func check(_ query: QueryFile, at: String) throws {
        for name in [Self.partsParameter, Self.partParameter] {
            guard query.parameters.contains(where: { $0.name == name && $0.kind == .integer }) else {
                throw RuleError("\(at): a split rule declares `-- param: \(name) INTEGER = NULL` (bound by the engine)")
            }
            guard Self.names(":" + name, in: query.sql) else {
                throw RuleError("\(at): the rule is split by hosts but its SQL never uses :\(name)")
            }
        }
    }

    /// Whether `placeholder` occurs in `sql` outside the `--` comment lines, not as the start of
    /// a longer name.
    private static func names(_ placeholder: String, in sql: String) -> Bool {
        for line in sql.split(separator: "\n") where !line.trimmedBlanks.hasPrefix("--") {
            var rest = line[...]
            while let found = rest.range(of: placeholder) {
                let after = found.upperBound
                if after == rest.endIndex || !(rest[after].isLetter || rest[after].isNumber || rest[after] == "_") { return true }
                rest = rest[after...]
            }
        }
        return false
    }
}
