import ArgumentParser
import Foundation

@main
struct Hunt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hunt",
        abstract: "HuntDB: load Windows endpoint telemetry into SQLite and hunt lateral movement in it.",
        discussion: """
            Typical session:
              hunt demo                         # see it work on sample data
              hunt load --db case.db ./logs/    # JSON, XML, EVTX, gzip
              hunt detect --db case.db          # every detection rule
              hunt query list                   # saved hunts
              hunt sql --db case.db "SELECT * FROM process_events LIMIT 5"

            Every command takes --db PATH (default ./hunt.db, or $HUNT_DB). Exit statuses are listed in each command's --help.
            """,
        subcommands: [LoadCommand.self, DetectCommand.self, RulesCommand.self, CoverageCommand.self,
                      CheckCommand.self, ReportCommand.self, DemoCommand.self, SqlCommand.self, QueryCommand.self, StatsCommand.self, SchemaCommand.self,
                      GenerateCommand.self],
        defaultSubcommand: nil
    )

    /// Repairs the arguments (`--db` before the subcommand, mistyped subcommands) before parsing.
    static func main() {
        switch CommandLineRepair.repair(Array(CommandLine.arguments.dropFirst()), root: Hunt.self) {
        case .run(let arguments):
            main(arguments)
        case let .unknownCommand(typed, suggestions, known):
            var message = "Error: unknown command '\(typed)'."
            if !suggestions.isEmpty { message += " Did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))?" }
            message += "\nCommands: \(known.joined(separator: ", ")). See 'hunt --help'.\n"
            FileHandle.standardError.write(Data(message.utf8))
            Foundation.exit(64)
        }
    }
}
