import Foundation
import Schema
import Model

/// A HuntDB store on a ClickHouse server or cluster: the second implementation of `EventStore`.
/// Its SQL lives in this folder, in `migrations/clickhouse/` and in the rules' ClickHouse texts.
///
/// ```swift
/// let store = try ClickHouseStore(location: "clickhouse://127.0.0.1:8123/case42")
/// ```
public final class ClickHouseStore {
    let endpoint: ClickHouseEndpoint
    /// The server the store talks to (`--db`'s host).
    let client: ClickHouseClient
    /// Every server that holds the tables: the entry server, or each shard of the cluster.
    let nodes: [ClickHouseClient]
    let access: StoreAccess
    public private(set) var schemaUpgrade: SchemaUpgrade?
    /// `version()`, e.g. `18.16.1`.
    public let serverVersion: String
    /// Whether the server takes query parameters (`{name:Type}` with `param_name=…`): 19.11 and later.
    public let hasQueryParameters: Bool

    public var location: String { endpoint.description }

    /// Opens the store `location` names.
    ///
    /// `.readWrite` creates the database when missing and applies pending migrations; it refuses
    /// a database that holds tables of something else. Reading requires a current HuntDB schema.
    /// `.analyst` sends `readonly=1` with every query (the server refuses writes and settings).
    /// - Throws: `StoreError` with a sentence naming the server and what is wrong.
    public convenience init(location: String, access: StoreAccess = .readWrite) throws {
        try self.init(endpoint: try ClickHouseEndpoint(location), access: access)
    }

    public init(endpoint: ClickHouseEndpoint, access: StoreAccess) throws {
        self.endpoint = endpoint
        self.access = access
        let client = ClickHouseClient(endpoint: endpoint)
        client.usesDatabase = false
        self.client = client
        serverVersion = try client.select("SELECT version()", purpose: "asking the server's version").texts.first ?? ""
        let version = serverVersion.split(separator: ".").compactMap { Int($0) }
        hasQueryParameters = version.count >= 2 && (version[0], version[1]) >= (19, 11)

        var nodes = [client]
        if let cluster = endpoint.cluster {
            let hosts = try client.select(
                "SELECT host_address FROM system.clusters WHERE cluster = {cluster:String} ORDER BY shard_num, replica_num",
                values: ["cluster": .text(cluster)], purpose: "listing the shards of cluster \(cluster)").texts
            guard !hosts.isEmpty else {
                throw StoreError.cannotOpen(path: endpoint.description, reason: "the server has no cluster named \(cluster) in system.clusters")
            }
            nodes = hosts.map { host in
                let node = ClickHouseClient(endpoint: endpoint.onHost(host))
                node.usesDatabase = false
                return node
            }
        }
        self.nodes = nodes
        try openDatabase()
        for node in nodes + [client] {
            node.usesDatabase = true
            if access == .analyst { node.settings["readonly"] = "1" }
            if endpoint.cluster != nil { node.settings["distributed_product_mode"] = "local" }
        }
        if access == .readWrite, endpoint.cluster != nil { client.settings["insert_distributed_sync"] = "1" }
    }

    /// Creates (for loads) or checks the database and its schema.
    private func openDatabase() throws {
        let exists = try client.select("SELECT count() FROM system.databases WHERE name = {database:String}",
                                       values: ["database": .text(endpoint.database)],
                                       purpose: "looking for database \(endpoint.database)").integers.first ?? 0
        if exists == 0 {
            guard access == .readWrite else { throw StoreError.missingDatabase(path: endpoint.description) }
            // The name is checked to be a plain identifier (ClickHouseEndpoint): a name cannot be a bound value.
            for node in nodes {
                try node.execute("CREATE DATABASE IF NOT EXISTS \(endpoint.database)", purpose: "creating database \(endpoint.database)")
            }
        }
        for node in nodes + [client] { node.usesDatabase = true }
        let schema = ClickHouseSchema(entry: client, nodes: nodes, cluster: endpoint.cluster)
        let runner = MigrationRunner(migrations: Migration.clickHouse)
        do {
            guard let applied = try schema.recordedMigrationIDs() else {
                let others = try client.select("SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name",
                                               purpose: "listing the tables of \(endpoint.database)").texts
                if !others.isEmpty {
                    throw StoreError.cannotOpen(path: endpoint.description,
                                                reason: "the database holds other tables (\(others.prefix(5).joined(separator: ", "))) and is not a HuntDB store; name an empty or new database")
                }
                guard access == .readWrite else { throw StoreError.notHuntDatabase(path: endpoint.description) }
                try runner.migrate(schema)
                return
            }
            try runner.checkNotNewer(applied: applied)
            if access == .readWrite {
                let started = Clock.nowMicros()
                let appliedNow = try runner.migrate(schema)
                if !applied.isEmpty, !appliedNow.isEmpty {
                    schemaUpgrade = SchemaUpgrade(migrations: appliedNow, seconds: Double(Clock.nowMicros() - started) / 1e6)
                }
            } else if Set(applied) != Set(Migration.clickHouse.map(\.id)) {
                throw StoreError.olderSchema(path: endpoint.description)
            }
        } catch let error as SchemaError {
            throw StoreError.schema(path: endpoint.description, error)
        }
    }
}

extension ClickHouseClient {
    /// Runs `sql` with its `{name:Type}` / `:name` placeholders bound to `values` (as query
    /// parameters or an external table, whichever the server takes) and parses the rows.
    func select(_ sql: String, values: [String: RowValue], nativeParameters: Bool = false, purpose: String) throws -> ClickHouseRows {
        let rendered = try ClickHouseParameterizedSQL(sql).render(values, nativeParameters: nativeParameters)
        return try select(rendered.sql, tables: rendered.tables, urlParameters: rendered.urlParameters, purpose: purpose)
    }
}
