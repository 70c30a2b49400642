import Foundation

/// Where a ClickHouse store lives: `clickhouse://HOST:PORT/DATABASE[?cluster=NAME]` (the HTTP
/// interface), with the user and password from the URL or from `HUNT_CLICKHOUSE_USER` /
/// `HUNT_CLICKHOUSE_PASSWORD`. The password is never part of `description` or any message.
public struct ClickHouseEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: String
    /// The cluster (from `system.clusters`) whose shards hold the tables, or nil for one server.
    public var cluster: String?
    var user: String?
    var password: String?

    /// The scheme of `--db` values that name a ClickHouse store.
    public static let scheme = "clickhouse://"

    /// Whether a `--db` value names a ClickHouse store.
    public static func names(_ location: String) -> Bool {
        location.lowercased().hasPrefix(scheme)
    }

    /// Parses a `--db` value; the environment supplies credentials the URL does not.
    /// - Throws: `StoreError.cannotOpen` for a malformed URL, database or cluster name.
    public init(_ location: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func fail(_ reason: String) -> StoreError {
            StoreError.cannotOpen(path: Self.redacted(location), reason: reason)
        }
        guard let components = URLComponents(string: location), components.scheme?.lowercased() == "clickhouse",
              let host = components.host, !host.isEmpty else {
            throw fail("it is not a URL of the form clickhouse://HOST:PORT/DATABASE")
        }
        self.host = host
        port = components.port ?? 8123
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? "default" : path
        guard Self.isIdentifier(database) else {
            throw fail("the database name \"\(database)\" is not a plain identifier (letters, digits, _)")
        }
        for item in components.queryItems ?? [] {
            switch item.name {
            case "cluster":
                guard let value = item.value, Self.isIdentifier(value) else {
                    throw fail("the cluster name must be a plain identifier (letters, digits, _)")
                }
                cluster = value
            default:
                throw fail("unknown option \"\(item.name)\" (known: cluster)")
            }
        }
        user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["HUNT_CLICKHOUSE_USER"].flatMap { $0.isEmpty ? nil : $0 }
        password = components.password.flatMap { $0.removingPercentEncoding } ?? environment["HUNT_CLICKHOUSE_PASSWORD"]
    }

    /// The URL without credentials, for messages.
    public var description: String {
        "clickhouse://\(host):\(port)/\(database)" + (cluster.map { "?cluster=\($0)" } ?? "")
    }

    /// The same server under another host name (a shard of the cluster), same port and credentials.
    func onHost(_ other: String) -> ClickHouseEndpoint {
        var copy = self
        copy.host = other
        return copy
    }

    /// Letters, digits and underscores, not starting with a digit: names that are safe as SQL
    /// identifiers (a database or cluster name cannot be a bound value).
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
    }

    /// `location` with any password in it replaced by `***`.
    static func redacted(_ location: String) -> String {
        guard var components = URLComponents(string: location), components.password != nil else { return location }
        components.password = "***"
        return components.string ?? "clickhouse://…"
    }
}
