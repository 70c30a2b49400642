import ArgumentParser
import Foundation
import HuntDB

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic synthetic Sysmon / Elastic corpus with planted lateral movement.",
        discussion: """
            A fleet of --hosts Windows hosts (SRV-DC01.corp.example, WS-0001…) over --days days from --start: boots with their own services.exe, users browsing, shells, Office, services and remote administration, in any dialect `hunt load` reads. The same --seed and options always give byte-identical output, and the same events in every dialect.

            Planted cases (--planted, default one per 100k events): true positives, an incoming TCP connection to services.exe (both ports >= 49152, non-loopback source) followed 50-950 ms later by a non-allowlisted services.exe child; with each, one labelled near miss of every kind:
            child 1001+ ms late, child first, low port, loopback source, UDP, outgoing, another boot's services.exe, another host, allowlisted child. --truth writes them as JSON lines, ids as the dialect stores them.

            Events stream to the output (constant memory at any size); progress and the summary go to standard error.

            Examples:
              hunt generate --events 5k --output corpus.ndjson --truth truth.ndjson
              hunt generate --dialect ecs --events 1m --irrelevant-ratio 0.9 --gzip -o e.gz
              hunt generate --dialect xml --hosts 200 --days 7 --seed 42 -o fleet.xml
              hunt generate --events 10k | hunt load --db demo.db -

            Exit status: 0 written; 1 error (bad option, output not writable).
            """
    )

    @Option(help: ArgumentHelp("Output dialect (evtx needs --output FILE and no --gzip).", valueName: GenerateDialect.allCases.map(\.rawValue).joined(separator: "|")))
    var dialect: GenerateDialect = .sysmonFlat

    @Option(help: ArgumentHelp("Number of events; k and m suffixes allowed (5k, 1m).", valueName: "N"))
    var events: EventCount = EventCount(value: 100_000)

    @Option(help: ArgumentHelp("Number of hosts.", valueName: "N"))
    var hosts = 20

    @Option(help: ArgumentHelp("Length of the corpus in days.", valueName: "N"))
    var days = 2

    @Option(help: ArgumentHelp("First instant, ISO-8601 (default 2026-11-01T00:00:00Z).", valueName: "time"))
    var start: String?

    @Option(help: ArgumentHelp("Seed of the generator.", valueName: "N"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Planted true positives, each with one near miss of every kind (default: events / 100k, at least 1).", valueName: "N"))
    var planted: Int?

    @Option(help: ArgumentHelp("Fraction of events that are not process starts or connections (0-1).", valueName: "R"))
    var irrelevantRatio = 0.0

    @Flag(help: "Compress the output with gzip.")
    var gzip = false

    @Option(name: [.short, .long], help: ArgumentHelp("The output file (default: standard output).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Also write the planted cases as JSON lines to this file.", valueName: "file"))
    var truth: String?

    @Flag(help: "With --dialect xml: bare concatenated <Event> elements, no <Events> root.")
    var xmlConcatenated = false

    @Flag(help: "No progress line and no summary.")
    var quiet = false

    func validate() throws {
        if xmlConcatenated, dialect != .xml { throw ValidationError("--xml-concatenated needs --dialect xml.") }
        if dialect == .evtx {
            if output == nil || output == "-" { throw ValidationError("--dialect evtx writes a file: give --output FILE.evtx.") }
            if gzip { throw ValidationError("--dialect evtx cannot be gzip-compressed (.evtx files are read as they are).") }
        }
        if let start, Timestamp.parseMicros(start) == nil {
            throw ValidationError("--start \"\(start)\" is not an ISO-8601 time, e.g. 2026-11-01T00:00:00Z.")
        }
        do {
            try corpusOptions().validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    func corpusOptions() -> CorpusOptions {
        var options = CorpusOptions()
        options.events = events.value
        options.hosts = hosts
        options.days = days
        if let start, let micros = Timestamp.parseMicros(start) { options.startMicros = micros }
        options.seed = seed
        options.planted = planted
        options.irrelevantRatio = irrelevantRatio
        return options
    }

    func run() throws {
        let started = Date()
        let generator = try CorpusGenerator(options: corpusOptions())
        let destination: CorpusOutput
        var sink: any CorpusSink
        var evtx: EVTXWriter?
        if let corpusDialect = dialect.corpusDialect {
            destination = try CorpusOutput(path: output, gzip: gzip)
            sink = corpusDialect.makeSink(output: destination, xmlRootElement: !xmlConcatenated)
        } else {
            // EVTX: the writer patches the file header when it finishes, so it writes the file itself.
            destination = try CorpusOutput(path: "/dev/null")
            do {
                let writer = try EVTXWriter(output: try EVTXFileOutput(path: output ?? ""))
                evtx = writer
                sink = WindowsEventSink { try writer.append($0) }
            } catch {
                throw Fatal("\(error)")
            }
        }
        let showProgress = !quiet && isatty(2) == 1
        let total = events.value
        let summary: CorpusSummary
        do {
            summary = try generator.generate(into: &sink) { written in
                guard showProgress else { return }
                let percent = Int(Double(written) * 100 / Double(max(1, total)))
                FileHandleWriter.stderr.write("\r\u{1B}[K\(written) of \(total) events (\(percent)%)")
            }
            try evtx?.finish()
        } catch let error as CorpusError {
            throw Fatal(error.description)
        } catch let error as EVTXError {
            throw Fatal(error.description)
        }
        if showProgress { FileHandleWriter.stderr.write("\r\u{1B}[K") }
        if let truth {
            do {
                try CorpusGenerator.writeTruth(summary.plantedCases, dialect: dialect.corpusDialect ?? .xml, to: truth)
            } catch {
                throw Fatal(error.description)
            }
        }
        guard !quiet else { return }
        let seconds = Date().timeIntervalSince(started)
        let truePositives = summary.planted(.truePositive).count
        printError(String(format: "generated %lld events (%d relevant) on %d hosts in %.2f s (%.0f events/s), %lld bytes%@; planted %d true positive(s) and %d near miss(es)%@",
                          summary.events, summary.relevantEvents, summary.hosts.count, seconds, Double(summary.events) / max(seconds, 1e-9),
                          evtx.flatMap { _ in output.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int64 } } ?? destination.bytesWritten, gzip ? " gzip" : "", truePositives, summary.plantedCases.count - truePositives,
                          truth.map { " (truth: \($0))" } ?? ""))
    }
}

/// The dialects `hunt generate` writes: the generator's streaming dialects plus native EVTX.
enum GenerateDialect: String, CaseIterable, ExpressibleByArgument {
    case sysmonFlat = "sysmon-flat"
    case winlogbeat
    case ecs
    case evtxJSON = "evtx-json"
    case xml
    case evtx

    /// The streaming dialect, or nil for EVTX (written by `EVTXWriter`).
    var corpusDialect: CorpusDialect? { CorpusDialect(rawValue: rawValue) }
}

/// An event count with an optional `k` (thousand) or `m` (million) suffix.
struct EventCount: ExpressibleByArgument {
    let value: Int

    init(value: Int) {
        self.value = value
    }

    init?(argument: String) {
        var text = argument.lowercased().replacingOccurrences(of: "_", with: "")
        var scale = 1
        if text.hasSuffix("k") { scale = 1_000; text.removeLast() } else if text.hasSuffix("m") { scale = 1_000_000; text.removeLast() }
        if let whole = Int(text) {
            value = whole * scale
        } else if let fraction = Double(text), scale > 1, fraction.isFinite, fraction >= 0 {
            value = Int((fraction * Double(scale)).rounded())
        } else {
            return nil
        }
    }

    var defaultValueDescription: String { "100k" }
}

