import Foundation
import Model

/// What a command may do with a store.
public enum StoreAccess: Sendable, Equatable {
    /// Load: create the store when missing, migrate it, write events.
    case readWrite
    /// Read with the store's own fixed queries (detect, stats, schema, check); never writes.
    case readOnly
    /// Read-only, and guarded for SQL that analysts write (`hunt sql`, saved hunts).
    case analyst
}

/// Opens the store a `--db` value names.
public enum StoreLocation {
    /// Opens `location`: a ClickHouse server or cluster (`clickhouse://HOST:PORT/DATABASE`,
    /// `?cluster=NAME`), else a SQLite file path.
    /// - Throws: `StoreError` with a sentence naming the location and what is wrong.
    public static func open(_ location: String, access: StoreAccess) throws -> any EventStore {
        if ClickHouseEndpoint.names(location) { return try ClickHouseStore(location: location, access: access) }
        return try SQLiteStore(path: location, access: access)
    }

    /// Whether a store exists at `location` (false for a file that is not there yet; a server
    /// is asked when opened).
    public static func exists(_ location: String) -> Bool {
        ClickHouseEndpoint.names(location) || FileManager.default.fileExists(atPath: location)
    }

    /// An empty store of the current schema that lives in memory only (to describe the schema
    /// without a database).
    public static func inMemory() throws -> any EventStore {
        try SQLiteStore(path: ":memory:", access: .readWrite)
    }
}
