import Model

/// The `sources` table: one row per loaded file or stream, created before its first record is
/// written and finished when reading ends, whatever the reason.
struct SourceLedger {
    let database: Database

    /// Records the start of a load of `path` and returns its source id (committed at once).
    func begin(path: String, format: String, compression: String) throws -> Int64 {
        try database.transaction("registering source \(path)") {
            let s = try database.prepare("""
                INSERT INTO sources (path, format, compression, status, started_at_us)
                VALUES (:path, :format, :compression, 'loading', :now)
                """, purpose: "registering source \(path)")
            try s.bind(["path": .text(path), "format": .text(format), "compression": .text(compression),
                        "now": .integer(Clock.nowMicros())])
            try s.run()
            return database.lastInsertRowID
        }
    }

    /// Records how the load of a source ended.
    func finish(sourceID: Int64, status: SourceStatus, format: String, sizeBytes: Int64?, sha256: String?, message: String?) throws {
        try database.transaction("finishing source \(sourceID)") {
            let s = try database.prepare("""
                UPDATE sources SET status = :status, format = :format, size_bytes = :size, sha256 = :sha256,
                    message = :message, finished_at_us = :now
                WHERE source_id = :id
                """, purpose: "finishing source \(sourceID)")
            try s.bind(["status": .text(status.rawValue), "format": .text(format),
                        "size": sizeBytes.map(RowValue.integer) ?? .null, "sha256": sha256.map(RowValue.text) ?? .null,
                        "message": message.map(RowValue.text) ?? .null, "now": .integer(Clock.nowMicros()),
                        "id": .integer(sourceID)])
            try s.run()
        }
    }
}
