import Foundation
import Model

extension SQLiteStore {
    public func beginSource(path: String, format: String, compression: String) throws -> Int64 {
        try StoreError.translating { try SourceLedger(database: database).begin(path: path, format: format, compression: compression) }
    }

    public func finishSource(_ sourceID: Int64, status: SourceStatus, format: String, sizeBytes: Int64?,
                             sha256: String?, message: String?) throws {
        try StoreError.translating {
            try SourceLedger(database: database).finish(sourceID: sourceID, status: status, format: format,
                                                        sizeBytes: sizeBytes, sha256: sha256, message: message)
        }
    }

    public func makeBatchWriter(sourceID: Int64) throws -> any EventBatchWriter {
        try StoreError.translating { SQLiteBatchWriter(database: database, writer: try eventWriter(), sourceID: sourceID) }
    }

    public func storedBytes() -> Int64 {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return 0 }
        return attributes[.size] as? Int64 ?? 0
    }

    public func deferIndexes() throws {
        try StoreError.translating { try DeferredIndexes(database: database).drop() }
    }

    @discardableResult
    public func rebuildDeferredIndexes(progress: (String) -> Void) throws -> Int {
        try StoreError.translating { try DeferredIndexes(database: database).rebuild(progress: progress) }
    }

    public func pendingIndexRebuilds() throws -> [String] {
        try StoreError.translating { try DeferredIndexes(database: database).pending() }
    }
}
