import ArgumentParser
import Foundation
import HuntDB

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "List the tables, views and columns you can query, with one-line descriptions.",
        discussion: """
            One row per table or view (column empty), then one per column. Times are INTEGER microseconds since 1970 UTC in tables; the views process_events and network_events add an ISO-8601 `time`, the host name and the source path. Without a database file, the schema of this version of hunt is shown.

            Examples:
              hunt schema
              hunt schema process_events
              hunt schema --format json
            """
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var output: OutputOptionsGroup

    @Argument(help: ArgumentHelp("Only this table or view.", valueName: "name"))
    var object: String?

    func run() throws {
        let store: any EventStore
        if StoreLocation.exists(database.path) {
            store = try openStore(database.path, access: .readOnly)
        } else {
            printError("note: no database at \(database.path); showing the schema of this version of hunt.")
            store = try StoreLocation.inMemory()
        }
        do {
            let all = try store.schemaEntries()
            let entries = object.map { name in all.filter { $0.object == name } } ?? all
            if let object, entries.isEmpty {
                let names = all.filter { $0.column == nil }.map(\.object)
                throw ValidationError("No table or view \"\(object)\". Tables and views: \(names.joined(separator: ", ")).")
            }
            let writer = makeRowWriter(output.rowOptions, sink: try output.makeSink())
            try writer.begin(columns: SchemaEntry.columns)
            for entry in entries { try writer.write(entry.row) }
            try writer.end()
        } catch let error as StoreError {
            throw Fatal("hunt schema: \(error).")
        }
    }
}
