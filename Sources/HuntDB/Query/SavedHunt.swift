import Store
import Foundation
import Queries
import Model

/// A saved hunt: a `.sql` file with a header (id, name, description, typed parameters), shipped
/// in `queries/hunts/` or added from a team folder with `--queries-dir`.
///
/// ```sql
/// -- id: process_connections
/// -- name: Network connections of one process
/// -- description: Every connection logged for one process entity, oldest first.
/// -- param: entity_id TEXT -- the process entity (Sysmon ProcessGuid, braces optional)
/// -- param: host TEXT = NULL -- only this host (name, short name or host id)
/// SELECT …
/// ```
public struct SavedHunt: Sendable {
    public let query: QueryFile
    public var id: String { query.id }
    /// The hunt's text for ClickHouse stores (built-in hunts: `queries/clickhouse/hunts/`), if any.
    public var clickHouseSQL: String?

    public init(query: QueryFile) {
        self.query = query
    }

    /// The hunts embedded in this binary, by id.
    /// - Throws: `QueryError.invalidHunt` if an embedded header is malformed (a build defect; tests catch it).
    public static func builtIn() throws -> [SavedHunt] {
        let clickHouse = Dictionary(uniqueKeysWithValues: EmbeddedQueries.clickHouseHunts.map { ($0.name, $0.sql) })
        return try EmbeddedQueries.hunts.map {
            var hunt = try parse($0.sql, origin: "queries/hunts/\($0.name).sql")
            hunt.clickHouseSQL = clickHouse[hunt.id]
            return hunt
        }
    }

    /// The built-in hunts plus every `*.sql` file directly in `directory`, sorted by id.
    /// - Throws: `QueryError.invalidHunt` naming the file for an unreadable folder or file, a
    ///   malformed header, or an id used twice.
    public static func library(addingDirectory directory: String? = nil) throws -> [SavedHunt] {
        var hunts = try builtIn()
        if let directory { hunts += try load(directory: directory) }
        var origins: [String: String] = [:]
        for hunt in hunts {
            if let other = origins[hunt.id] {
                throw QueryError.invalidHunt("\(hunt.query.origin): the id \"\(hunt.id)\" is already used by \(other); give the hunt another id")
            }
            origins[hunt.id] = hunt.query.origin
        }
        return hunts.sorted { $0.id < $1.id }
    }

    /// The hunt with `id` in `hunts`.
    /// - Throws: `QueryError.unknownHunt` listing the ids there are.
    public static func find(_ id: String, in hunts: [SavedHunt]) throws -> SavedHunt {
        guard let hunt = hunts.first(where: { $0.id == id }) else {
            throw QueryError.unknownHunt(id: id, known: hunts.map(\.id))
        }
        return hunt
    }

    /// Every `*.sql` file directly in `directory`, in name order.
    static func load(directory: String) throws -> [SavedHunt] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw QueryError.invalidHunt("cannot read the queries folder \(directory): \(error.localizedDescription)")
        }
        return try names.filter { $0.hasSuffix(".sql") && !$0.hasPrefix(".") }.sorted().map { name in
            let path = (directory as NSString).appendingPathComponent(name)
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw QueryError.invalidHunt("cannot read \(path): \(error.localizedDescription)")
            }
            return try parse(text, origin: path)
        }
    }

    private static func parse(_ text: String, origin: String) throws -> SavedHunt {
        do {
            return SavedHunt(query: try QueryFile(sql: text, origin: origin))
        } catch let error as QueryFileError {
            throw QueryError.invalidHunt(error.message)
        }
    }

    /// The value of every declared parameter: the argument if given, else the default.
    ///
    /// Values are converted by the declared type: INTEGER, REAL, TEXT, or TIME (ISO-8601 or
    /// relative like `7d`, bound as UTC microseconds); `NULL` binds NULL.
    /// - Throws: `QueryError.unknownParameter` for an argument the hunt does not declare,
    ///   `.missingParameter` for a required parameter without one, `.invalidValue` for a value
    ///   of the wrong type.
    public func values(for arguments: QueryArguments, now: Int64) throws -> [String: RowValue] {
        let declared = query.parameters.map(\.name)
        for name in arguments.names where !declared.contains(name) {
            throw QueryError.unknownParameter(name: name, known: declared)
        }
        var values: [String: RowValue] = [:]
        for parameter in query.parameters {
            guard let text = arguments.values[parameter.name] ?? parameter.defaultText else {
                throw QueryError.missingParameter(name: parameter.name, help: parameter.help)
            }
            do {
                values[parameter.name] = try parameter.value(from: text, now: now)
            } catch let error as QueryFileError {
                throw QueryError.invalidValue("\(id): \(error.message)")
            }
        }
        return values
    }

    /// The help text of each declared parameter, for messages.
    public var parameterHelp: [String: String] {
        Dictionary(query.parameters.map { ($0.name, $0.help) }, uniquingKeysWith: { first, _ in first })
    }

    /// Prepares the hunt on a store opened for analysts and checks that the SQL uses exactly
    /// the declared parameters.
    /// - Throws: `QueryError.invalidHunt` naming the parameters that differ, or what
    ///   `EventStore.prepareAnalystQuery` throws.
    public func prepare(on store: any EventStore) throws -> any AnalystStatement {
        var sql = query.sql
        if store.dialect == .clickhouse {
            guard let clickHouseSQL else {
                throw QueryError.invalidHunt("\(query.origin): the saved hunt has no ClickHouse text yet (hunts with one: \(EmbeddedQueries.clickHouseHunts.map(\.name).joined(separator: ", ")))")
            }
            sql = clickHouseSQL
        }
        let prepared = try store.prepareAnalystQuery(sql, purpose: "running saved hunt \(id) (\(query.origin))")
        let declared = Set(query.parameters.map(\.name)), used = Set(prepared.parameterNames)
        if let unused = declared.subtracting(used).sorted().first {
            throw QueryError.invalidHunt("\(query.origin): the header declares :\(unused) but the SQL does not use it")
        }
        if let undeclared = used.subtracting(declared).sorted().first {
            throw QueryError.invalidHunt("\(query.origin): the SQL uses :\(undeclared) but the header does not declare it (add `-- param: \(undeclared) TYPE = default -- help`)")
        }
        return prepared
    }
}
