import ArgumentParser
import Foundation
import HuntDB

struct SqlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only SQL statement and print its rows.",
        discussion: """
            The statement runs on a read-only connection that SQLite itself guards: writes (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER…), ATTACH, load_extension, pragmas that set a value and transaction control are refused, as is a second statement.

            Parameters: write :name in the SQL and pass --param name=VALUE. A plain integer (42, -7) binds as INTEGER, a plain decimal (0.5, 1e3) as REAL, anything else as TEXT (so 007 and 0x10 stay text). --since/--until bind :since/:until (UTC microseconds, ISO-8601 or relative like 7d) and --host binds :host, when the SQL uses them. A value the SQL does not use, or a parameter without a value, is an error.

            Times: integer columns named ts_us, *_ts_us or *_at_us (microseconds since 1970 UTC) print as ISO-8601 UTC, like the `time` column of the process_events and network_events views; --no-iso-times prints the numbers.

            Tables: process_events and network_events (start here), processes, network_connections, hosts, sources, rejects; see `hunt schema`.

            Examples:
              hunt sql "SELECT host, time, command_line FROM process_events \\
                WHERE parent_name = 'services.exe'"
              hunt sql "SELECT * FROM network_events WHERE ts_us >= :since" \\
                --since 2d --format csv -o net.csv
              hunt sql "SELECT time, command_line FROM process_events WHERE host = :host" \\
                --host WS-0042
              hunt sql -f hunts/my_hunt.sql --param min_port=49152 --format ndjson

            Exit status: 0 the statement ran (with or without rows); 6 refused by the read-only guard (nothing ran); 64 bad option or parameter; 1 error (unreadable database, SQL error).
            """
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var output: OutputOptionsGroup
    @OptionGroup var times: TimeDisplayOption

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("Read the SQL from this file (- for standard input).", valueName: "file"))
    var file: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("Bind :name to value (repeatable).", valueName: "name=value"))
    var parameters: [String] = []

    @Argument(help: ArgumentHelp("The SQL statement (or use -f FILE).", valueName: "sql"))
    var sql: String?

    func validate() throws {
        switch (sql, file) {
        case (nil, nil): throw ValidationError("Give one SQL statement as an argument, or -f FILE.")
        case (.some, .some): throw ValidationError("Give the SQL as an argument or with -f FILE, not both.")
        default: break
        }
    }

    func run() throws {
        let text = try readSQL()
        var values: [String: RowValue] = [:]
        do {
            let arguments = try QueryArguments(parsing: parameters)
            for name in arguments.names { values[name] = QueryArguments.inferredValue(arguments.values[name] ?? "") }
        } catch let error as QueryError {
            throw ValidationError("hunt sql: \(error).")
        }
        let given: [(String, String?)] = [("since", range.since), ("until", range.until), ("host", range.host)]
        for case let (name, _?) in given where values[name] != nil {
            throw ValidationError("hunt sql: --\(name) and --param \(name)= both give :\(name); use one.")
        }
        let store = try openStore(database.path, access: .analyst)
        // --host binds the full name of the host it names, so `host = :host` matches a short name too.
        let scope = try range.scope(in: store, location: database.path)
        let flags: [(String, RowValue?)] = [("since", scope.sinceMicros.map(RowValue.integer)), ("until", scope.untilMicros.map(RowValue.integer)),
                                            ("host", scope.host.map(RowValue.text))]
        for case let (name, value?) in flags { values[name] = value }
        try AnalystRun.run("hunt sql", store: store, output: output, isoTimes: times.isoTimes, values: values) {
            try $0.prepareAnalystQuery(text, purpose: "running hunt sql")
        }
    }

    private func readSQL() throws -> String {
        if let sql { return sql }
        guard let file else { return "" }
        if file == "-" { return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        do {
            return try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw Fatal("hunt sql: cannot read \(file): \(error.localizedDescription)")
        }
    }
}

/// `--iso-times` / `--no-iso-times`, shared by the commands that print query rows.
struct TimeDisplayOption: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Print integer columns named ts_us, *_ts_us and *_at_us (microseconds) as ISO-8601 UTC.")
    var isoTimes = true
}

/// Running analyst queries and reporting their failures: shared by `hunt sql` and `hunt query run`.
enum AnalystRun {
    /// Runs the query (`AnalystQuery`) into the output; the row count goes to stderr. The output
    /// file is created only once the query was accepted.
    static func run(_ command: String, store: any EventStore, output: OutputOptionsGroup, isoTimes: Bool,
                    values: [String: RowValue], help: [String: String] = [:],
                    prepare: (any EventStore) throws -> any AnalystStatement) throws {
        let count: Int
        do {
            count = try AnalystQuery(store: store).run(values: values, help: help, isoTimes: isoTimes, prepare: prepare) {
                makeRowWriter(output.rowOptions, sink: try output.makeSink())
            }
        } catch let error as QueryError {
            throw failure(error, command)
        } catch let error as StoreError {
            throw Fatal("\(command): \(error).")
        }
        printError("(\(count) row\(count == 1 ? "" : "s"))")
    }

    /// A refusal prints one sentence and exits with `ExitStatus.refused`; a bad parameter is a
    /// usage error; anything else is fatal.
    static func failure(_ error: QueryError, _ command: String) -> Error {
        switch error {
        case .secondStatement:
            printError("\(command): refused: \(error).")
            return ExitStatus.refused
        case .refused, .notReadOnly:
            printError("\(command): refused: \(error). \(command) is read-only.")
            return ExitStatus.refused
        case .positionalParameter, .unknownParameter, .missingParameter, .duplicateParameter, .malformedParameter,
             .invalidValue, .unknownHunt:
            return ValidationError("\(command): \(error).")
        case .empty, .invalidHunt:
            return Fatal("\(command): \(error).")
        }
    }
}

extension OutputOptionsGroup {
    /// The output options for commands that report their row count on standard error: the
    /// table carries no `(N rows)` line, so standard output holds only data.
    var rowOptions: OutputOptions {
        var options = self.options
        options.rowCountFooter = false
        return options
    }
}
