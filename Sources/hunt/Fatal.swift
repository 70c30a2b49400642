import ArgumentParser
import HuntDB

/// A fatal error: printed as `hunt: error: <message>` with exit status 1.
struct Fatal: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Opens the store, turning failures into one clear sentence.
func openStore(_ path: String, mode: Database.Mode) throws -> HuntStore {
    do {
        let store = try HuntStore(path: path, mode: mode)
        if mode == .readOnly, case let pending = try store.pendingIndexRebuilds(), !pending.isEmpty {
            printError("warning: \(pending.count) indexes of \(path) are not built yet (a bulk load is running, or was killed: the next `hunt load` rebuilds them); queries are correct but slower until then.")
        }
        return store
    } catch let error as StoreError {
        throw Fatal(error.description)
    } catch {
        throw Fatal("cannot open \(path): \(error)")
    }
}
