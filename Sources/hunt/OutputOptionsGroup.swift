import ArgumentParser
import HuntDB

/// `--format`, `--output`, `--full`, `--csv-raw`: shared by every command that prints rows.
struct OutputOptionsGroup: ParsableArguments {
    @Option(help: ArgumentHelp("Output format: table fits the terminal (records one field per line when rows cannot fit), vertical prints one field per line, timesketch writes Timesketch JSONL.", valueName: "table|vertical|csv|json|ndjson|timesketch"))
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write rows to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Table: do not truncate long fields.")
    var full = false

    @Flag(help: "CSV: do not neutralize cells that start with = + - @ (formula injection guard).")
    var csvRaw = false

    @Flag(help: "CSV for Excel on Windows: a UTF-8 byte order mark so non-ASCII text reads right, the formula guard on (implies --format csv).")
    var excel = false

    func validate() throws {
        if excel, csvRaw { throw ValidationError("--excel keeps the formula guard on; it cannot go with --csv-raw.") }
        if excel, format != .table, format != .csv { throw ValidationError("--excel writes CSV; it cannot go with --format \(format.rawValue).") }
    }

    var options: OutputOptions {
        var options = OutputOptions(format: excel ? .csv : format)
        options.full = full
        options.csvRaw = csvRaw
        options.excel = excel
        return options
    }

    func makeSink() throws -> OutputSink {
        do {
            return try output.map(OutputSink.file) ?? OutputSink.standardOutput()
        } catch {
            throw Fatal("\(error)")
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
