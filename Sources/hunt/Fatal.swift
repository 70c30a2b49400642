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
        return try HuntStore(path: path, mode: mode)
    } catch let error as StoreError {
        throw Fatal(error.description)
    } catch {
        throw Fatal("cannot open \(path): \(error)")
    }
}
