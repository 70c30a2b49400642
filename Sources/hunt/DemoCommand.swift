import ArgumentParser
import Foundation
import HuntDB

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show what HuntDB does on built-in sample data: load, coverage, detection.",
        discussion: """
            Generates a small synthetic fleet (with a few planted lateral-movement cases) as gzip NDJSON and as a native .evtx file, with the planted cases' logons, service installs and source processes in a third file, loads them into a fresh database, and runs every detection rule. Nothing outside a temporary folder is touched unless you give --db.

            Examples:
              swift run hunt demo
              hunt demo --db demo.db     # keep the database to explore
            """
    )

    @Option(help: ArgumentHelp("Keep the demo database at this path (default: a temporary file, removed).", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("Events per sample file.", valueName: "N"))
    var events = 12_000

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hunt-demo-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dbPath = db ?? folder.appendingPathComponent("demo.db").path
        if db != nil, FileManager.default.fileExists(atPath: dbPath) {
            throw ValidationError("\(dbPath) exists; give a new path to --db.")
        }

        let out = OutputSink.standardOutput()
        func say(_ text: String) throws { try out.write(text + "\n") }
        func section(_ title: String) throws { try say("\n== " + title) }

        try section("1. Sample data")
        let ndjson = folder.appendingPathComponent("fleet-week1.json.gz").path
        let evtx = folder.appendingPathComponent("WS-0003-sysmon.evtx").path
        let context = folder.appendingPathComponent("planted-context.json").path
        let truth = try writeSamples(ndjson: ndjson, evtx: evtx, context: context)
        try say("  \(ndjson)\n  \(evtx)\n  \(context) (Security 4624, System 7045 and the attackers' Sysmon events of the planted cases)")
        try say("  planted: \(truth.truePositives) remote service executions, \(truth.nearMisses) near misses that must not alert")

        try section("2. hunt load")
        let store = try openStore(dbPath, access: .readWrite)
        let report = try Loader(store: store).load([ndjson, evtx, context])
        for source in report.sources {
            let c = source.counts
            try say("  \((source.path as NSString).lastPathComponent) [\(source.format)]: read \(c.read) = loaded \(c.loaded) + duplicates \(c.duplicates) + not relevant \(c.notRelevant) + rejected \(c.rejected)")
        }
        try say(String(format: "  %lld events stored in %.2f s", report.totals.loaded, report.seconds))

        try section("3. hunt detect --rule remote_service_rpc")
        try out.flush()
        let reader = try openStore(dbPath, access: .readOnly)
        let catalog = try RuleCatalog.builtIn()
        let allowlist = try Allowlist.builtIn()
        let run = DetectionRun(store: reader, rules: try catalog.select(["remote_service_rpc"]), allowlist: allowlist, options: DetectionOptions())
        let alerts = try DetectionPrinter(run: run).print(to: out, output: OutputOptions(format: .table), showSuppressed: false)
        let verdict = alerts == truth.truePositives
            ? "every planted case found, and none of the \(truth.nearMisses) near misses alerted"
            : "expected \(truth.truePositives): something is wrong, please report it"
        try say("  \(alerts) lateral-movement alert\(alerts == 1 ? "" : "s") (planted: \(truth.truePositives)): \(verdict).")
        try say("  Their context (the logon_*, service_* and source_* columns of --format json):")
        _ = try DetectionEngine(store: reader, allowlist: allowlist).run(try catalog.select(["remote_service_rpc"])[0], options: DetectionOptions()) { alert in
            try say("  - \(alert.host): who \(alert.text("logon_domain") ?? "?")\\\(alert.text("logon_user") ?? "?") from \(alert.text("logon_ip") ?? "?"); "
                    + "what service \(alert.text("service_name") ?? "?"); from where \(alert.text("source_host") ?? "?"): \(alert.text("source_command_line") ?? "?")")
        }

        try section("4. The single-event variants (noisier: for fleets without services.exe network events)")
        let engine = DetectionEngine(store: reader, allowlist: allowlist)
        for rule in catalog.rules where rule.id != "remote_service_rpc" {
            let summary = try engine.run(rule, options: DetectionOptions(), onAlert: { _ in })
            try say("  \(rule.id) (\(rule.severity)): \(summary.alerts) alerts, \(summary.suppressed) suppressed by the allowlist")
        }

        try section("Next")
        if db != nil {
            try say("  hunt detect --db \(dbPath) --rule remote_service_rpc --format json")
            try say("  hunt query run process_tree --db \(dbPath) --param entity_id=<child entity id from the JSON>")
            try say("  hunt stats --db \(dbPath)")
        } else {
            try say("  Run `hunt demo --db demo.db` to keep the database, then try hunt detect, hunt query list, hunt stats.")
        }
        try out.flush()
    }

    /// Writes the two sample files; returns the planted counts.
    private func writeSamples(ndjson: String, evtx: String, context: String) throws -> (truePositives: Int, nearMisses: Int) {
        var options = CorpusOptions()
        options.events = events
        options.hosts = 12
        options.days = 1
        options.seed = 7
        options.planted = 2
        options.irrelevantRatio = 0.5
        let output = try CorpusOutput(path: ndjson, gzip: true)
        var sink = CorpusDialect.sysmonFlat.makeSink(output: output)
        let first = try CorpusGenerator(options: options).generate(into: &sink)

        options.seed = 8
        options.hosts = 3
        options.planted = 1
        let writer = try EVTXWriter(output: try EVTXFileOutput(path: evtx))
        var evtxSink = WindowsEventSink { try writer.append($0) }
        let second = try CorpusGenerator(options: options).generate(into: &evtxSink)
        try writer.finish()
        let contextEvents = PlantedContextEvents.flatNDJSON(first, seed: 7) + PlantedContextEvents.flatNDJSON(second, seed: 8)
        try contextEvents.write(toFile: context, atomically: true, encoding: .utf8)
        let truePositives = first.planted(.truePositive).count + second.planted(.truePositive).count
        return (truePositives, first.plantedCases.count + second.plantedCases.count - truePositives)
    }
}
