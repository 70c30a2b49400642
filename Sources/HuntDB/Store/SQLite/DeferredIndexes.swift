import Model

/// Drops the event tables' secondary indexes for a bulk load and rebuilds them afterwards.
///
/// Which indexes were dropped is recorded in `deferred_indexes` in the same transaction as the
/// drop, so a loader killed in between leaves a database that knows what to rebuild. The
/// (host, record key) indexes the writer deduplicates events through are never dropped.
struct DeferredIndexes {
    let database: Database

    /// Secondary indexes of the event tables that exist now.
    func droppable() throws -> [(name: String, sql: String)] {
        let statement = try database.prepare("""
            SELECT name, sql FROM sqlite_schema
            WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('process_rows', 'network_rows')
              AND name NOT IN ('processes_security_by_pid', 'processes_security_by_time', 'processes_security_by_entity',
                               'network_security_by_time', 'processes_by_record', 'network_by_record')
            ORDER BY name
            """, purpose: "listing secondary indexes")
        var indexes: [(String, String)] = []
        while try statement.step() { indexes.append((statement.text(0) ?? "", statement.text(1) ?? "")) }
        return indexes
    }

    /// Names of indexes dropped and not yet rebuilt.
    func pending() throws -> [String] {
        let statement = try database.prepare("SELECT name FROM deferred_indexes ORDER BY name", purpose: "listing deferred indexes")
        var names: [String] = []
        while try statement.step() { names.append(statement.text(0) ?? "") }
        return names
    }

    /// Drops every secondary index, remembering each in `deferred_indexes`, in one transaction.
    func drop() throws {
        try database.transaction("dropping secondary indexes for a bulk load") {
            let remember = try database.prepare(
                "INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (:name, :sql)", purpose: "recording a deferred index")
            for index in try droppable() {
                try remember.bind(["name": .text(index.name), "sql": .text(index.sql)])
                try remember.run()
                // Index names come from sqlite_schema, never from input; quoted as identifiers.
                try database.execute("DROP INDEX \"\(index.name.replacingOccurrences(of: "\"", with: "\"\""))\"",
                                     purpose: "dropping index \(index.name)")
            }
        }
    }

    /// Recreates every deferred index, each in its own transaction. Returns how many were built.
    @discardableResult
    func rebuild(progress: (String) -> Void = { _ in }) throws -> Int {
        let statement = try database.prepare("SELECT name, sql FROM deferred_indexes ORDER BY name", purpose: "reading deferred indexes")
        var pending: [(String, String)] = []
        while try statement.step() { pending.append((statement.text(0) ?? "", statement.text(1) ?? "")) }
        guard !pending.isEmpty else { return 0 }
        // CREATE INDEX sorts its keys; SQLite's sorter may use helper threads for that (off by default).
        try database.execute("PRAGMA threads = 2", purpose: "letting index builds sort on two threads")
        // Each sorting thread keeps up to the page cache's size of keys in memory: with the
        // load's 64 MiB cache a 2M-event load peaked at 254 MB while building; with 16 MiB the
        // build takes as long and the load's own peak stays the peak.
        try database.withBoundedCache(purpose: "the index builds") {
            try build(pending, progress: progress)
        }
        return pending.count
    }

    private func build(_ pending: [(String, String)], progress: (String) -> Void) throws {
        for (name, sql) in pending {
            progress(name)
            try database.transaction("rebuilding index \(name)") {
                let exists = try database.scalarInt(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = :name",
                    purpose: "checking index \(name)", ["name": .text(name)]) ?? 0
                if exists == 0 { try database.execute(sql, purpose: "rebuilding index \(name)") }
                let forget = try database.prepare("DELETE FROM deferred_indexes WHERE name = :name", purpose: "clearing deferred index \(name)")
                try forget.bind(["name": .text(name)])
                try forget.run()
            }
        }
    }
}

import Foundation

