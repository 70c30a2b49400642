import ArgumentParser
import Foundation

/// `--db PATH`, shared by every command.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $HUNT_DB, else ./hunt.db).", valueName: "path"))
    var db: String?

    /// Whether a database was named (the flag or $HUNT_DB), for commands that work without one.
    var given: Bool { db != nil || !(ProcessInfo.processInfo.environment["HUNT_DB"] ?? "").isEmpty }

    /// The path to use: the flag, else $HUNT_DB, else ./hunt.db.
    var path: String {
        db ?? ProcessInfo.processInfo.environment["HUNT_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "hunt.db"
    }
}
