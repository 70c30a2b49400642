import ArgumentParser

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

            Every command takes --db PATH (default ./hunt.db, or $HUNT_DB).
            Exit statuses are listed in each command's --help.
            """,
        subcommands: [LoadCommand.self, DetectCommand.self, RulesCommand.self, CoverageCommand.self,
                      CheckCommand.self, SigmaCommand.self, DemoCommand.self, SqlCommand.self, QueryCommand.self, StatsCommand.self, SchemaCommand.self,
                      GenerateCommand.self],
        defaultSubcommand: nil
    )
}
