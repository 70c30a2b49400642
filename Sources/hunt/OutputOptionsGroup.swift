import ArgumentParser
import HuntDB

/// `--format`, `--output`, `--full`, `--csv-raw`: shared by every command that prints rows.
struct OutputOptionsGroup: ParsableArguments {
    @Option(help: ArgumentHelp("Output format.", valueName: "table|csv|json|ndjson"))
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write rows to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Table: do not truncate long fields.")
    var full = false

    @Flag(help: "CSV: do not neutralize cells that start with = + - @ (formula injection guard).")
    var csvRaw = false

    var options: OutputOptions {
        var options = OutputOptions(format: format)
        options.full = full
        options.csvRaw = csvRaw
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
