import Foundation
import Model

extension ClickHouseStore {
    /// The count columns of `source_counts`, in order.
    static let countColumns = ["source_id", "batch", "records_read", "records_loaded", "records_duplicate", "records_not_relevant",
                               "records_rejected", "records_incomplete", "records_truncated", "records_colliding"]

    static let sourceColumns: [(String, String)] = [
        ("source_id", "Int64"), ("version", "Int64"), ("path", "String"), ("size_bytes", "Nullable(Int64)"),
        ("sha256", "Nullable(String)"), ("format", "String"), ("compression", "String"), ("status", "String"),
        ("started_at_us", "Int64"), ("finished_at_us", "Nullable(Int64)"), ("message", "Nullable(String)"),
    ]

    /// Inserts rows of a small table on every server that holds it (each shard keeps a full
    /// copy, so joins with it stay on the shard). The values travel as an external table.
    func insertEverywhere(into table: String, columns: [(String, String)], rows: [[RowValue]], purpose: String) throws {
        guard !rows.isEmpty else { return }
        let data = ClickHouseExternalTable(name: "hunt_rows", columns: columns, rows: rows)
        let names = columns.map(\.0).joined(separator: ", ")
        for node in nodes {
            try node.execute("INSERT INTO \(table) (\(names)) SELECT \(names) FROM hunt_rows", tables: [data], purpose: purpose)
        }
    }

    public func beginSource(path: String, format: String, compression: String) throws -> Int64 {
        // No sequences: a time-ordered id (µs × 1000 + a random part) keeps `hunt stats sources` in load order.
        let now = Clock.nowMicros()
        let id = now * 1000 + Int64.random(in: 0..<1000)
        try insertEverywhere(into: "sources", columns: Self.sourceColumns, rows: [[
            .integer(id), .integer(1), .text(path), .null, .null, .text(format), .text(compression),
            .text(SourceStatus.loading.rawValue), .integer(now), .null, .null,
        ]], purpose: "recording the start of a load")
        return id
    }

    public func finishSource(_ sourceID: Int64, status: SourceStatus, format: String, sizeBytes: Int64?,
                             sha256: String?, message: String?) throws {
        let started = try client.select(
            "SELECT path, compression, started_at_us FROM sources WHERE source_id = {source:Int64} ORDER BY version LIMIT 1",
            values: ["source": .integer(sourceID)], purpose: "reading source \(sourceID)").rows.first
        guard let started else { return }
        try insertEverywhere(into: "sources", columns: Self.sourceColumns, rows: [[
            .integer(sourceID), .integer(2), started[0], sizeBytes.map(RowValue.integer) ?? .null, sha256.map(RowValue.text) ?? .null,
            .text(format), started[1], .text(status.rawValue), started[2], .integer(Clock.nowMicros()), message.map(RowValue.text) ?? .null,
        ]], purpose: "recording how the load of source \(sourceID) ended")
    }

    public func makeBatchWriter(sourceID: Int64) throws -> any EventBatchWriter {
        try ClickHouseBatchWriter(store: self, sourceID: sourceID)
    }

    public func storedBytes() -> Int64 {
        // Only decides whether to defer indexes, which ClickHouse has none of.
        0
    }

    /// ClickHouse has no secondary indexes to drop: the tables are ordered by (host, time).
    public func deferIndexes() throws {}

    public func rebuildDeferredIndexes(progress: (String) -> Void) throws -> Int { 0 }

    public func pendingIndexRebuilds() throws -> [String] { [] }
}
