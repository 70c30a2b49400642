import Schema
import Model

/// Errors opening or using a store: the one error type that leaves the store's edge.
///
/// A failure of the engine itself (SQLite's, later a server's) keeps its code, its message and
/// what the store was doing: `SQLite error 13 (database or disk is full) while committing loaded records`.
public enum StoreError: Error, CustomStringConvertible {
    case missingDatabase(path: String)
    case cannotOpen(path: String, reason: String)
    case notHuntDatabase(path: String)
    case olderSchema(path: String)
    case notWritable(path: String)
    case schema(path: String, SchemaError)
    /// The engine failed: `engine` names it (`SQLite`), `code` is its result code.
    case failed(engine: String, code: Int32, message: String, purpose: String)

    public var description: String {
        switch self {
        case .missingDatabase(let path):
            return "No database at \(path). Load events first with `hunt load --db \(path) FILE…`."
        case .cannotOpen(let path, let reason) where path.hasPrefix("clickhouse://"):
            return "Cannot use the ClickHouse store \(path): \(reason)."
        case .cannotOpen(let path, let reason):
            return "Cannot open \(path) as an SQLite database: \(reason)."
        case .notHuntDatabase(let path):
            return "\(path) is an SQLite database but not a HuntDB database (it has no schema_migrations table)."
        case .olderSchema(let path):
            return "\(path) has an older or incomplete schema (written by an older hunt, or a first load was killed while creating it); run `hunt load --db \(path) …` to finish it."
        case .notWritable(let path):
            return "\(path) cannot be written (the file or its folder is read-only, or the disk is mounted read-only); loading needs write access. Reading commands (detect, sql, stats) still work."
        case .schema(let path, let error):
            return "\(path): \(error)"
        case .failed(let engine, let code, let message, let purpose):
            return "\(engine) error \(code) (\(message)) while \(purpose)"
        }
    }
}
