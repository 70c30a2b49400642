import ArgumentParser
import HuntDB

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a database: SQLite integrity, foreign keys, and that source counts agree with stored rows.",
        discussion: """
            Examples:
              hunt check case.db
              hunt check --db case.db

            Exit status: 0 the database is sound; 5 problems were found (listed on stderr); 1 the file could not be opened.
            """
    )

    @OptionGroup var database: DatabaseOption

    @Argument(help: ArgumentHelp("The database to check (instead of --db).", valueName: "db"))
    var path: String?

    func run() throws {
        let target = path ?? database.path
        let store = try openStore(target, access: .readOnly)
        let (problems, notes) = try store.check()
        for note in notes { printError("\(target): note: \(note)") }
        if problems.isEmpty {
            printError("\(target): ok (integrity, foreign keys and source counts agree)")
            return
        }
        for problem in problems { printError("\(target): \(problem)") }
        throw ExitStatus.checkFailed
    }
}
