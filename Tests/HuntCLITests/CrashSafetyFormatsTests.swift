import Foundation
import XCTest

/// Crash safety in every input format: `hunt load` killed with SIGKILL and stopped with SIGINT
/// in the middle of a load, each time leaving a sound database, and a final re-run storing
/// exactly every event once.
///
/// Each format runs one chain on one database: a load is started and hit by a signal at a random
/// moment, six times in a row (SIGKILL, SIGINT, SIGKILL, SIGINT, SIGKILL, SIGKILL), each run
/// resuming what the previous one left; then a last load runs to the end. Every signal must hit a
/// running load: its source is left 'loading' (SIGKILL) or 'interrupted' (SIGINT, status 130 and
/// how to resume). A signal that lands before the load began or after it ended is tried again
/// with a moment drawn between the last too-early and too-late ones, a few times at most. After
/// every run `hunt check` must pass (integrity, foreign keys, every row's source counts agree)
/// and nothing may be stored twice.
final class CrashSafetyFormatsTests: XCTestCase {
    private static let events = 6000
    private static let signals = [SIGKILL, SIGINT, SIGKILL, SIGINT, SIGKILL, SIGKILL]
    /// Runs per signal before the chain fails for want of a signal that hit a running load.
    private static let tries = 6

    func testCrashSafety_sysmonFlat() throws { try chain("sysmon-flat") }
    func testCrashSafety_winlogbeat() throws { try chain("winlogbeat") }
    func testCrashSafety_ecs() throws { try chain("ecs") }
    func testCrashSafety_evtxJSON() throws { try chain("evtx-json") }
    func testCrashSafety_xml() throws { try chain("xml") }
    func testCrashSafety_evtx() throws { try chain("evtx") }
    func testCrashSafety_gzip() throws { try chain("sysmon-flat", gzip: true) }

    /// Where a signal met a load.
    private enum Landing {
        /// Before the load registered its source (process start-up, opening the database).
        case early
        /// While the source was being read: what the chain is for.
        case midLoad
        /// After the source was finished.
        case late
    }

    private func chain(_ dialect: String, gzip: Bool = false) throws {
        let dir = try TemporaryDirectory()
        let input = dir.path("corpus.\(dialect)\(gzip ? ".gz" : "")")
        try Harness.generate(dialect, events: Self.events, gzip: gzip, to: input)
        let db = dir.path("case.db")
        let label = dialect + (gzip ? "+gzip" : "")
        var generator = SystemRandomNumberGenerator()
        var missed: [Landing: Int] = [:]
        var lastSource: Int64 = 0
        // How long a whole load takes here (debug or release, busy machine or not): signal
        // moments are drawn from 0…that, so they land anywhere in a load.
        let calibration = try Harness.Background(["load", "--quiet", "--db", dir.path("calibration.db"), input], in: dir, name: "calibration")
        XCTAssertEqual(calibration.wait(), 0, "\(label): \(calibration.stderr)")
        let loadSeconds = calibration.seconds

        for (step, signal) in Self.signals.enumerated() {
            var window = 0...(0.8 * loadSeconds)
            var attempts: [String] = []
            while true {
                let delay = Double.random(in: window, using: &generator)
                let context = "\(label) step \(step) try \(attempts.count + 1) (signal \(signal) after \(String(format: "%.3f", delay)) s)"
                let landing = try signalLoad(signal, after: delay, db: db, input: input, in: dir, name: "\(step)-\(attempts.count)",
                                             lastSource: &lastSource, context)
                if landing == .midLoad { break }
                missed[landing, default: 0] += 1
                attempts.append("\(String(format: "%.3f", delay)) s \(landing)")
                guard attempts.count < Self.tries else {
                    XCTFail("\(label) step \(step): no signal \(signal) hit a running load in \(Self.tries) tries (\(attempts.joined(separator: ", "))); a whole load takes \(String(format: "%.3f", loadSeconds)) s")
                    return
                }
                window = landing == .early ? delay...max(delay, window.upperBound) : min(delay, window.lowerBound)...delay
                // Timing jitter can close the window (an early and a late landing at one moment):
                // draw from the whole load again rather than repeat one moment.
                if window.upperBound - window.lowerBound < 0.01 { window = 0...(0.8 * loadSeconds) }
            }
        }

        let final = try Harness.Background(["load", "--db", db, input], in: dir, name: "final")
        XCTAssertEqual(final.wait(), 0, "\(label) final load: \(final.stderr)")
        XCTAssertEqual(try Harness.storedEvents(db), Int64(Self.events), "\(label): every event once after the re-run")
        XCTAssertEqual(try Harness.distinctIdentities(db), Int64(Self.events), label)
        XCTAssertEqual(try Harness.scalar(db, "SELECT sum(records_loaded) FROM sources"), Int64(Self.events),
                       "\(label): the sources account for every stored event exactly once")
        try Harness.assertSound(db, "\(label) after the final load")
        print("crash-safety \(label): \(Self.signals.count) signals mid-load (retried \(missed[.early] ?? 0) too early, \(missed[.late] ?? 0) too late), \(Self.events) of \(Self.events) events stored once")
    }

    /// Starts a load of `input` into `db`, sends `signal` after `delay` seconds, checks how it
    /// ended and that the database is sound, and says where the signal met the load.
    /// `lastSource` is the newest source id before the run, and after it on return.
    private func signalLoad(_ signal: Int32, after delay: Double, db: String, input: String, in dir: TemporaryDirectory,
                            name: String, lastSource: inout Int64, _ context: String) throws -> Landing {
        let load = try Harness.Background(["load", "--db", db, input], in: dir, name: name)
        usleep(UInt32(delay * 1_000_000))
        kill(load.pid, signal)
        let status = load.wait()
        var statuses: [String] = []
        if try hasSchema(db, context) {
            try assertConsistent(db, context)
            // The source this run registered, if it got that far (one input: at most one).
            statuses = try Harness.rows(db, "SELECT status FROM sources WHERE source_id > \(lastSource)")
            lastSource = try Harness.scalar(db, "SELECT coalesce(max(source_id), 0) FROM sources")
        }
        XCTAssertLessThanOrEqual(statuses.count, 1, "\(context): \(statuses)")
        if status == 0 {
            XCTAssertEqual(statuses, ["complete"], "\(context): the load ended before the signal")
            return .late
        }
        if load.killedBySignal {
            XCTAssertEqual(status, 128 + signal, "\(context): \(load.stderr)")
            if signal == SIGINT {
                // The default action ended `hunt`: before it installed its handler (nothing
                // registered yet) or after it removed it at the end (the source is complete).
                switch statuses.first {
                case nil: return .early
                case let other?:
                    XCTAssertEqual(other, "complete", "\(context): SIGINT's default action during a load")
                    return .late
                }
            }
            switch statuses.first {
            case nil: return .early
            case "loading"?: return .midLoad
            case let other?:
                XCTAssertEqual(other, "complete", "\(context): killed while loading")
                return .late
            }
        }
        XCTAssertEqual(signal, SIGINT, "\(context): a load ended by SIGKILL must not exit on its own: \(load.stderr)")
        XCTAssertEqual(status, 130, "\(context): \(load.stderr)")
        XCTAssertTrue(load.stderr.contains("interrupted"), "\(context): \(load.stderr)")
        XCTAssertTrue(load.stderr.contains("run the same command again"), "\(context): \(load.stderr)")
        guard let interrupted = statuses.first else { return .early }  // stopped while opening the database
        XCTAssertEqual(interrupted, "interrupted", context)
        return .midLoad
    }

    /// Whether `db` holds the whole schema: false when there is no file yet (killed before
    /// opening it) or its schema was still being created (each migration is one transaction).
    private func hasSchema(_ db: String, _ context: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: db) else { return false }
        let check = try HuntProcess.run(["check", db])
        if check.status != 0 {
            XCTAssertTrue(check.stderr.contains("older hunt") || check.stderr.contains("not a HuntDB database"),
                          "\(context): hunt check: \(check.stderr)")
            return false
        }
        return true
    }

    /// After a run: nothing stored twice, and every source's counts add up.
    private func assertConsistent(_ db: String, _ context: String) throws {
        let stored = try Harness.storedEvents(db)
        XCTAssertLessThanOrEqual(stored, Int64(Self.events), context)
        XCTAssertEqual(try Harness.distinctIdentities(db), stored, "\(context): nothing stored twice")
        XCTAssertEqual(try Harness.scalar(db, "SELECT count(*) FROM sources WHERE records_read != records_loaded + records_duplicate + records_not_relevant + records_rejected"),
                       0, context)
    }
}
