import ArgumentParser
import Foundation
import HuntDB

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "List, show and run saved hunts (read-only SQL with typed parameters).",
        discussion: """
            Saved hunts are .sql files with a header: id, name, description and parameters (`-- param: name TYPE = default -- help`, TYPE is INTEGER, REAL, TEXT or TIME). The built-in library is embedded in hunt; --queries-dir DIR adds the *.sql files of a folder (ids must not clash). TIME values are ISO-8601 or relative (7d, 12h, 30m); --since/--until/--host fill the parameters of those names.

            Examples:
              hunt query list
              hunt query show process_tree
              hunt query run process_tree \\
                --param entity_id=d273d0f0-8065-5f67-ca06-000000000800
              hunt query run host_timeline --host WS-0042 --param at=2026-11-01T10:00
              hunt query run rare_parent_child --since 30d --excel -o stacking.csv
              hunt query list --queries-dir ./team-hunts

            Exit status (run): 0 the hunt ran (with or without rows); 6 refused by the read-only guard; 64 unknown hunt or bad parameter; 1 error.
            """,
        subcommands: [List.self, Show.self, Run.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List saved hunts with their parameters.")
        @OptionGroup var queries: QueriesDirectoryOption
        /// Accepted like everywhere (`hunt --db case.db query list`); the list does not depend on it.
        @Option(name: .customLong("db"), help: ArgumentHelp("Accepted like in every command; saved hunts do not depend on the database.", valueName: "path"))
        var database: String?
        @OptionGroup var output: OutputOptionsGroup

        func run() throws {
            let hunts = try queries.library()
            let writer = makeRowWriter(output.rowOptions, sink: try output.makeSink())
            try writer.begin(columns: ["id", "parameters", "name", "description", "origin"])
            for hunt in hunts {
                let parameters = hunt.query.parameters.map { p in
                    "\(p.name) \(p.kind.rawValue)" + (p.defaultText.map { " = \($0)" } ?? "")
                }
                try writer.write([.text(hunt.id), .text(parameters.joined(separator: ", ")), .text(hunt.query.name),
                                  .text(hunt.query.description), .text(hunt.query.origin)])
            }
            try writer.end()
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a saved hunt's description, parameters and SQL.")
        @OptionGroup var queries: QueriesDirectoryOption
        @Argument(help: ArgumentHelp("The hunt's id (see `hunt query list`).", valueName: "name")) var name: String

        func run() throws {
            let hunt = try queries.find(name)
            print("\(hunt.id): \(hunt.query.name)")
            print(hunt.query.description)
            print("\nparameters:")
            for p in hunt.query.parameters {
                print("  --param \(p.name)=\(p.kind.rawValue)  default: \(p.defaultText ?? "(required)")  \(p.help)")
            }
            print("\nSQL (\(hunt.query.origin)):\n")
            print(hunt.query.sql)
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a saved hunt and print its rows.")
        @OptionGroup var database: DatabaseOption
        @OptionGroup var queries: QueriesDirectoryOption
        @OptionGroup var range: TimeRangeOptions
        @OptionGroup var output: OutputOptionsGroup
        @OptionGroup var times: TimeDisplayOption

        @Option(name: .customLong("param"), help: ArgumentHelp("Set a parameter (repeatable); see `hunt query show NAME`.", valueName: "name=value"))
        var parameters: [String] = []

        @Argument(help: ArgumentHelp("The hunt's id (see `hunt query list`).", valueName: "name")) var name: String

        func run() throws {
            let hunt = try queries.find(name)
            let command = "hunt query run \(hunt.id)"
            let store = try openStore(database.path, access: .analyst)
            // --host names the host the same way as everywhere (an unknown one is an error).
            let host = try range.host.map { try TimeRangeOptions.resolve(host: $0, in: store, location: database.path) }
            let values: [String: RowValue]
            do {
                var arguments = try QueryArguments(parsing: parameters)
                for case let (flag, value?) in [("since", range.since), ("until", range.until), ("host", host)] {
                    do {
                        try arguments.set(flag, value)
                    } catch {
                        throw ValidationError("\(command): --\(flag) and --param \(flag)= both set :\(flag); use one.")
                    }
                }
                values = try hunt.values(for: arguments, now: Int64(Date().timeIntervalSince1970 * 1_000_000))
            } catch let error as QueryError {
                throw AnalystRun.failure(error, command)
            }
            try AnalystRun.run(command, store: store, output: output, isoTimes: times.isoTimes, values: values,
                               help: hunt.parameterHelp) { try hunt.prepare(on: $0) }
        }
    }
}

/// `--queries-dir DIR`: a folder of the team's own saved hunts, added to the built-in ones.
struct QueriesDirectoryOption: ParsableArguments {
    @Option(name: .customLong("queries-dir"), help: ArgumentHelp("Also use the saved hunts (*.sql) in this folder.", valueName: "dir"))
    var directory: String?

    func library() throws -> [SavedHunt] {
        do {
            return try SavedHunt.library(addingDirectory: directory)
        } catch let error as QueryError {
            throw Fatal("\(error).")
        }
    }

    func find(_ id: String) throws -> SavedHunt {
        do {
            return try SavedHunt.find(id, in: try library())
        } catch let error as QueryError {
            throw ValidationError("\(error).")
        }
    }
}
