/// A `.sql` file with its comment header: id, name, severity, ATT&CK ids, description and
/// declared parameters.
///
/// ```sql
/// -- id: remote_service_rpc
/// -- name: Remotely Started Services via RPC
/// -- severity: medium
/// -- attack: T1021, T1569.002
/// -- description: …
/// -- param: window_ms INTEGER = 1000 -- longest time from connection to child
/// SELECT …
/// ```
public struct QueryFile: Sendable {
    public var id: String
    public var name: String
    public var severity: String?
    public var attack: [String]
    public var description: String
    public var parameters: [QueryParameter]
    public var sql: String
    /// Where the file came from (embedded name or path), for messages.
    public var origin: String
    /// The header lines a rule adds (`column`, `table`, `needs`, `context`, `split`), in order, for the rule to read.
    public var ruleLines: [HeaderLine]

    /// One `-- key: value` line of the header.
    public struct HeaderLine: Sendable, Equatable {
        public var key: String
        public var value: String
        /// 1-based line number in the file.
        public var line: Int
    }

    /// The header keys of rule files beyond those every query file has.
    public static let ruleKeys: Set<String> = ["column", "table", "needs", "context", "split"]

    /// The lines up to the first one that is neither blank nor a comment (the header), without
    /// splitting the whole query.
    private static func headerLines(of sql: String) -> [Substring] {
        var lines: [Substring] = []
        var rest = Substring(sql)
        while !rest.isEmpty {
            let end = rest.firstIndex(of: "\n") ?? rest.endIndex
            let line = rest[..<end]
            lines.append(line)
            let trimmed = line.trimmedBlanks
            if !trimmed.isEmpty && !trimmed.hasPrefix("--") { break }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        return lines
    }

    /// Parses the header of `sql`.
    /// - Throws: `QueryFileError` naming `origin` and the line when the header is malformed.
    public init(sql: String, origin: String) throws {
        self.sql = sql
        self.origin = origin
        var fields: [String: String] = [:]
        var parameters: [QueryParameter] = []
        var ruleLines: [HeaderLine] = []
        for (index, rawLine) in Self.headerLines(of: sql).enumerated() {
            let line = rawLine.trimmedBlanks
            guard line.hasPrefix("--") else {
                if line.isEmpty { continue }
                break
            }
            let body = line.dropFirst(2).trimmedBlanks
            guard let colon = body.firstIndex(of: ":") else { continue }
            let key = body[..<colon].trimmedBlanks.lowercased()
            let value = String(body[body.index(after: colon)...].trimmedBlanks)
            if Self.ruleKeys.contains(key) {
                ruleLines.append(HeaderLine(key: key, value: value, line: index + 1))
                continue
            }
            guard ["id", "name", "severity", "attack", "description", "param"].contains(key) else { continue }
            if key == "param" {
                do {
                    parameters.append(try QueryParameter(declaration: value))
                } catch let error as QueryFileError {
                    throw QueryFileError("\(origin): line \(index + 1): \(error.message)")
                }
            } else {
                fields[key] = value
            }
        }
        guard let id = fields["id"], !id.isEmpty else { throw QueryFileError("\(origin): the header has no `-- id:` line") }
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw QueryFileError("\(origin): id \"\(id)\" may only hold letters, digits, _ and -")
        }
        self.id = id
        self.name = fields["name"] ?? id
        self.severity = fields["severity"]
        self.attack = (fields["attack"] ?? "").split(separator: ",").map { String($0.trimmedBlanks) }.filter { !$0.isEmpty }
        self.description = fields["description"] ?? ""
        self.parameters = parameters
        self.ruleLines = ruleLines
    }
}

/// A declared parameter: `name TYPE = default -- description`.
public struct QueryParameter: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case integer = "INTEGER"
        case real = "REAL"
        case text = "TEXT"
        /// ISO-8601 or relative (`7d`); bound as UTC microseconds.
        case time = "TIME"
    }

    public var name: String
    public var kind: Kind
    /// The default as written; nil when the parameter is required.
    public var defaultText: String?
    public var help: String

    package init(declaration: String) throws {
        let declared = HeaderDeclaration(declaration)
        var text = Substring(declared.words.joined(separator: " "))
        let help = declared.help
        var defaultText: String?
        if let equals = text.firstIndex(of: "=") {
            defaultText = String(text[text.index(after: equals)...].trimmedBlanks)
            text = text[..<equals]
        }
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 2 else { throw QueryFileError("a parameter reads `-- param: name TYPE [= default] [-- help]`") }
        guard let kind = Kind(rawValue: words[1].uppercased()) else {
            throw QueryFileError("parameter \(words[0]) has unknown type \(words[1]) (use INTEGER, REAL, TEXT or TIME)")
        }
        self.name = String(words[0]).hasPrefix(":") ? String(words[0].dropFirst()) : String(words[0])
        self.kind = kind
        self.defaultText = defaultText
        self.help = help
    }

    /// Converts a value given on the command line (or the default) to a bound value.
    /// `NULL` (any case) binds NULL.
    public func value(from text: String, now: Int64) throws -> RowValue {
        if text.uppercased() == "NULL" { return .null }
        switch kind {
        case .integer:
            guard let v = Int64(text) else { throw QueryFileError("parameter \(name) expects an integer, got \"\(text)\"") }
            return .integer(v)
        case .real:
            guard let v = Double(text) else { throw QueryFileError("parameter \(name) expects a number, got \"\(text)\"") }
            return .real(v)
        case .text:
            return .text(text)
        case .time:
            guard let micros = TimeExpression.parseMicros(text, now: now) else {
                throw QueryFileError("parameter \(name) expects a time (ISO-8601 like 2026-11-01T10:00:00Z, or relative like 7d, 12h, 30m), got \"\(text)\"")
            }
            return .integer(micros)
        }
    }
}

/// A malformed query file or parameter value.
public struct QueryFileError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

import Foundation
