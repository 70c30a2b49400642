import ArgumentParser
import HuntDB

/// A fatal error: printed as `hunt: error: <message>` with exit status 1.
struct Fatal: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Opens the store, turning failures into one clear sentence. Reading commands warn when a bulk
/// load's indexes are not rebuilt yet.
func openStore(_ location: String, access: StoreAccess) throws -> any EventStore {
    do {
        let store = try StoreLocation.open(location, access: access)
        if access != .readWrite, case let pending = try store.pendingIndexRebuilds(), !pending.isEmpty {
            printError("warning: \(pending.count) indexes of \(location) are not built yet (a bulk load is running, or was killed: the next `hunt load` rebuilds them); queries are correct but slower until then.")
        }
        return store
    } catch let error as StoreError {
        throw Fatal(error.description)
    }
}
