import ArgumentParser
import Foundation
import HuntDB

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a case report: one HTML file that opens offline in any browser.",
        discussion: """
            The report runs the same detection as `hunt detect` (same rules, filters and allowlists) and shows what was loaded (sources, time range, hosts, event kinds, rejects), coverage per host with the blind hosts flagged, alerts per rule, host and day as charts, and every alert as a card: source address and ports, services.exe, the child and its command line (decoded when it is -EncodedCommand PowerShell), the delta, the allowlist status, the raw-record pointers (file:record), the host's timeline around the alert with the alert's events highlighted, and the child's process tree and connections. Alerts of one rule on one host less than five minutes apart share a card. Cards can be filtered by host, rule and severity and sorted in the page, without a server.

            The file holds everything: no web fonts, scripts or images are fetched, and every value from the logs is escaped (a command line with <script> in it shows as text).

            Examples:
              hunt report --db case.db --output case.html
              hunt report --db case.db --host WS-0042 --since 2026-11-01 -o ws42.html
              hunt report --db case.db --rule remote_service_rpc \\
                --allowlist ours.allowlist -o lateral.html

            Exit status: 0 the report was written (with or without alerts); 1 error.
            """
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var selection: DetectionSelectionOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("Minutes before and after each card's first alert in its host timeline.", valueName: "N"))
    var minutes = 5

    @Option(help: ArgumentHelp("Cards (in time order) that get a timeline and process trees; later cards list their alerts only.", valueName: "N"))
    var detailedCards = 200

    @Option(help: ArgumentHelp("The report's title (default: the database's path).", valueName: "text"))
    var title: String?

    func validate() throws {
        guard (0...1440).contains(minutes) else { throw ValidationError("--minutes must be between 0 and 1440.") }
        guard detailedCards >= 0 else { throw ValidationError("--detailed-cards must be 0 or more.") }
    }

    func run() throws {
        // Read-only like `hunt detect` (the file is opened read-only; the report runs only the
        // built-in hunts), so Sigma rules can use their temporary tables of distinct values.
        let store = try openStore(database.path, access: .readOnly)
        let run = try selection.makeRun(store: store, location: database.path, range: range, command: "hunt report")
        var builder = CaseReportBuilder(store: store, run: run)
        builder.timelineMinutes = minutes
        builder.detailedCards = detailedCards
        let filters = [range.since.map { "--since \($0)" }, range.until.map { "--until \($0)" }, range.host.map { "--host \($0)" }]
            .compactMap { $0 } + selection.described
        let report: CaseReport
        do {
            report = try builder.build(title: title, filters: filters)
        } catch let error as StoreError {
            throw Fatal("hunt report: \(error).")
        } catch let error as QueryError {
            throw Fatal("hunt report: \(error).")
        } catch let error as RuleError {
            throw Fatal("hunt report: \(error.description).")
        }
        let html = ReportPage(report: report).render()
        do {
            try Data(html.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw Fatal("cannot write \(output): \(error.localizedDescription)")
        }
        printError("wrote \(output): \(report.alertCount) alert\(report.alertCount == 1 ? "" : "s") in \(report.cards.count) card\(report.cards.count == 1 ? "" : "s"), \(report.coverage.filter { !$0.gaps.isEmpty }.count) blind host(s), \(html.utf8.count / 1024) KiB.")
    }
}
