import Foundation
import Queries
import Model

/// Allowlist entries that suppress alerts, each with a reason, matched in Swift after the SQL.
///
/// File format (see `queries/allowlists/default.allowlist`): one entry per line of
/// `field="pattern"` conditions that must all match, plus `reason="…"`; `#` starts a comment.
public struct Allowlist: Sendable {
    public struct Entry: Sendable, Equatable {
        public enum Field: String, CaseIterable, Sendable {
            case executable, args, commandLine = "command_line", host, parentExecutable = "parent_executable"
            case user, sourceIP = "source_ip", rule

            /// The field's position in `allCases`.
            var ordinal: Int {
                switch self {
                case .executable: 0
                case .args: 1
                case .commandLine: 2
                case .host: 3
                case .parentExecutable: 4
                case .user: 5
                case .sourceIP: 6
                case .rule: 7
                }
            }

            /// The alert column the field matches (the allowlist speaks of the child process).
            public var column: String {
                switch self {
                case .executable: "child_executable"
                case .args: "child_args"
                case .commandLine: "child_command_line"
                case .host: "host"
                case .parentExecutable: "parent_executable"
                case .user: "child_user"
                case .sourceIP: "source_ip"
                case .rule: "rule_id"
                }
            }
        }

        /// One `field="pattern"` condition, compiled.
        /// A class, so that matching every alert against every entry shares it instead of copying it.
        public final class Condition: Sendable {
            public let field: Field
            public let pattern: String
            let wildcard: WildcardPattern
            let range: IPRange?

            init(field: Field, pattern: String, wildcard: WildcardPattern, range: IPRange?) {
                self.field = field
                self.pattern = pattern
                self.wildcard = wildcard
                self.range = range
            }
        }

        public var conditions: [Condition]
        /// Whether the entry is one of the built-in defaults (applied to our remote-service rules only).
        public var isDefault = false
        public var reason: String
        /// `file:line` where the entry was written.
        public var origin: String

        public static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.origin == rhs.origin && lhs.reason == rhs.reason
        }

        /// Whether every condition holds for the alert.
        func matches(_ alert: AlertSubjects) -> Bool {
            conditions.allSatisfy { condition in
                let pattern = condition.wildcard
                switch condition.field {
                case .args: return alert.args.contains(where: pattern.matches)
                case .host: return pattern.matches(alert.host) || pattern.matches(alert.hostShortName)
                case .sourceIP:
                    guard let ip = alert.alert.text(Field.sourceIP.column), let range = condition.range else { return false }
                    return range.contains(ip)
                case .rule:
                    // A rule is named by its id or, for a Sigma rule, its title.
                    return pattern.matches(alert.ruleIDSubject) || (alert.alert.sigmaTitle != nil && pattern.matches(alert.ruleTitleSubject))
                default: return alert.subject(condition.field).map(pattern.matches) ?? false
                }
            }
        }
    }

    /// An alert's fields prepared once (lower-cased) for matching against every entry.
    final class AlertSubjects {
        let alert: Alert
        /// By field ordinal: nil until prepared, then the subject (nil inside when the alert has no value).
        private var prepared: [WildcardPattern.Subject??] = Array(repeating: nil, count: Entry.Field.allCases.count)
        init(_ alert: Alert) { self.alert = alert }

        /// The lower-cased value of a one-value field, or nil when the alert has none.
        func subject(_ field: Entry.Field) -> WildcardPattern.Subject? {
            if let cached = prepared[field.ordinal] { return cached }
            let value = alert.text(field.column).map(WildcardPattern.Subject.init)
            prepared[field.ordinal] = .some(value)
            return value
        }

        /// The arguments, decoded only when an entry asks for them.
        lazy var args: [WildcardPattern.Subject] = {
            guard let json = alert.text(Entry.Field.args.column) else { return [] }
            return (JSONStringArray.decode(json) ?? []).map(WildcardPattern.Subject.init)
        }()
        lazy var host = WildcardPattern.Subject(alert.host)
        lazy var ruleIDSubject = WildcardPattern.Subject(alert.ruleID)
        lazy var ruleTitleSubject = WildcardPattern.Subject(alert.sigmaTitle ?? "")
        lazy var hostShortName = WildcardPattern.Subject(alert.host.split(separator: ".").first.map(String.init) ?? "")
    }

    public private(set) var entries: [Entry] = []

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The defaults shipped in the binary (Elastic's exclusions for the rule family).
    public static func builtIn() throws -> Allowlist {
        var list = try parse(EmbeddedQueries.defaultAllowlist, origin: "default.allowlist")
        for index in list.entries.indices { list.entries[index].isDefault = true }
        return list
    }

    /// Parses allowlist text.
    /// - Throws: `AllowlistError` naming `origin`, the line and the problem.
    public static func parse(_ text: String, origin: String) throws -> Allowlist {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let pairs = try parsePairs(line, origin: origin, line: lineNumber)
            var conditions: [Entry.Condition] = []
            var reason: String?
            for (key, value) in pairs {
                if key == "reason" { reason = value; continue }
                guard let field = Entry.Field(rawValue: key) else {
                    throw AllowlistError("\(origin): line \(lineNumber): unknown field \"\(key)\" (use \(Entry.Field.allCases.map(\.rawValue).joined(separator: ", ")) and reason)")
                }
                if value.isEmpty { throw AllowlistError("\(origin): line \(lineNumber): \(key) has an empty pattern") }
                let range = field == .sourceIP ? IPRange(value) : nil
                if field == .sourceIP, range == nil {
                    throw AllowlistError("\(origin): line \(lineNumber): source_ip \"\(value)\" is not an IP address or CIDR block")
                }
                conditions.append(Entry.Condition(field: field, pattern: value, wildcard: WildcardPattern(value), range: range))
            }
            guard !conditions.isEmpty else { throw AllowlistError("\(origin): line \(lineNumber): the entry has no condition") }
            guard let reason, !reason.isEmpty else {
                throw AllowlistError("\(origin): line \(lineNumber): the entry has no reason=\"…\" (say why it is allowed)")
            }
            entries.append(Entry(conditions: conditions, reason: reason, origin: "\(origin):\(lineNumber)"))
        }
        return Allowlist(entries: entries)
    }

    /// `key="value"` pairs separated by white space; values are taken literally.
    private static func parsePairs(_ line: String, origin: String, line number: Int) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        var rest = Substring(line)
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            if rest.isEmpty || rest.hasPrefix("#") { break }
            guard let equals = rest.firstIndex(of: "=") else {
                throw AllowlistError("\(origin): line \(number): expected field=\"pattern\", found \"\(rest.prefix(40))\"")
            }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            guard rest.first == "\"" else {
                throw AllowlistError("\(origin): line \(number): the value of \(key) must be in double quotes")
            }
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: "\"") else {
                throw AllowlistError("\(origin): line \(number): the value of \(key) has no closing quote")
            }
            pairs.append((key, String(rest[..<close])))
            rest = rest[rest.index(after: close)...]
        }
        return pairs
    }

    /// Adds another list's entries.
    public mutating func append(contentsOf other: Allowlist) {
        entries.append(contentsOf: other.entries)
    }

    /// The entries that suppress every alert of `rule` whose child executable they match,
    /// whatever its other fields: those whose conditions name only the executable (and perhaps
    /// the rule, which is decided here), as lists of patterns that must all match. A rule's SQL
    /// may leave their alerts out and count them (`allowlisted_executables`): the alerts and
    /// the number suppressed stay the same, only which entry is named for each may differ.
    public func executableOnlyEntries(for rule: DetectionRule) -> [[String]] {
        let ruleID = WildcardPattern.Subject(rule.id)
        let title = rule.sigmaTitle.map(WildcardPattern.Subject.init)
        return entries.compactMap { entry in
            guard rule.usesDefaultAllowlist || !entry.isDefault else { return nil }
            var patterns: [String] = []
            for condition in entry.conditions {
                switch condition.field {
                case .executable:
                    patterns.append(condition.pattern)
                case .rule:
                    guard condition.wildcard.matches(ruleID) || title.map(condition.wildcard.matches) == true else { return nil }
                default:
                    return nil
                }
            }
            return patterns.isEmpty ? nil : patterns
        }
    }

    /// The first entry that suppresses `alert`, if any.
    /// `includingDefaults: false` skips the built-in entries (for rules outside their family).
    public func suppressingEntry(for alert: Alert, includingDefaults: Bool = true) -> Entry? {
        let subjects = AlertSubjects(alert)
        return entries.first { (includingDefaults || !$0.isDefault) && $0.matches(subjects) }
    }
}

/// A malformed allowlist.
public struct AllowlistError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

