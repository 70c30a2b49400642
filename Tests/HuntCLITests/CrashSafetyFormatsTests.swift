import Foundation
import XCTest

/// Crash safety in every input format: `hunt load` killed with SIGKILL and stopped with SIGINT
/// at random moments, each time leaving a sound database, and a final re-run storing exactly
/// every event once.
///
/// Each format runs one chain on one database: a load is started and hit by a signal at a random
/// moment, six times in a row (SIGKILL, SIGINT, SIGKILL, SIGINT, SIGKILL, SIGKILL), each run
/// resuming what the previous one left; then a last load runs to the end. After every step
/// `hunt check` must pass (integrity, foreign keys, every row's source counts agree) and nothing
/// may be stored twice; an interrupted load must end with status 130 and say how to resume.
final class CrashSafetyFormatsTests: XCTestCase {
    private static let events = 6000
    private static let signals = [SIGKILL, SIGINT, SIGKILL, SIGINT, SIGKILL, SIGKILL]

    func testCrashSafety_sysmonFlat() throws { try chain("sysmon-flat") }
    func testCrashSafety_winlogbeat() throws { try chain("winlogbeat") }
    func testCrashSafety_ecs() throws { try chain("ecs") }
    func testCrashSafety_evtxJSON() throws { try chain("evtx-json") }
    func testCrashSafety_xml() throws { try chain("xml") }
    func testCrashSafety_evtx() throws { try chain("evtx") }
    func testCrashSafety_gzip() throws { try chain("sysmon-flat", gzip: true) }

    private func chain(_ dialect: String, gzip: Bool = false) throws {
        let dir = try TemporaryDirectory()
        let input = dir.path("corpus.\(dialect)\(gzip ? ".gz" : "")")
        try Harness.generate(dialect, events: Self.events, gzip: gzip, to: input)
        let db = dir.path("case.db")
        let label = dialect + (gzip ? "+gzip" : "")
        var generator = SystemRandomNumberGenerator()
        var landed = 0, early = 0
        // How long a whole load takes here (debug or release, busy machine or not): signal
        // moments are drawn from 0…that, so they land anywhere in a load.
        let calibration = try Harness.Background(["load", "--quiet", "--db", dir.path("calibration.db"), input], in: dir, name: "calibration")
        XCTAssertEqual(calibration.wait(), 0, "\(label): \(calibration.stderr)")
        let loadSeconds = calibration.seconds

        for (step, signal) in Self.signals.enumerated() {
            let delay = Double.random(in: 0...(0.8 * loadSeconds), using: &generator)
            let load = try Harness.Background(["load", "--db", db, input], in: dir, name: "\(step)")
            usleep(UInt32(delay * 1_000_000))
            kill(load.pid, signal)
            let status = load.wait()
            let context = "\(label) step \(step) (signal \(signal) after \(String(format: "%.3f", delay)) s)"
            if status == 0 {
                // The load ended before the signal: nothing to resume, but it must still agree.
            } else if signal == SIGKILL {
                XCTAssertEqual(status, 128 + SIGKILL, "\(context): \(load.stderr)")
                landed += 1
            } else if load.killedBySignal {
                // SIGINT before `hunt` could install its handler (process start-up): the default
                // action ended it before it touched the database.
                XCTAssertEqual(status, 128 + SIGINT, context)
                early += 1
            } else {
                XCTAssertEqual(status, 130, "\(context): \(load.stderr)")
                XCTAssertTrue(load.stderr.contains("interrupted"), "\(context): \(load.stderr)")
                XCTAssertTrue(load.stderr.contains("run the same command again"), "\(context): \(load.stderr)")
                landed += 1
            }
            try assertConsistent(db, context)
        }

        let final = try Harness.Background(["load", "--db", db, input], in: dir, name: "final")
        XCTAssertEqual(final.wait(), 0, "\(label) final load: \(final.stderr)")
        XCTAssertEqual(try Harness.storedEvents(db), Int64(Self.events), "\(label): every event once after the re-run")
        XCTAssertEqual(try Harness.distinctIdentities(db), Int64(Self.events), label)
        XCTAssertEqual(try Harness.scalar(db, "SELECT sum(records_loaded) FROM sources"), Int64(Self.events),
                       "\(label): the sources account for every stored event exactly once")
        try Harness.assertSound(db, "\(label) after the final load")
        print("crash-safety \(label): \(Self.signals.count) signals (\(landed) mid-load, \(early) during start-up), \(Self.events) of \(Self.events) events stored once")
    }

    /// After a signal: a sound database (or none yet, or one whose schema was still being created).
    private func assertConsistent(_ db: String, _ context: String) throws {
        guard FileManager.default.fileExists(atPath: db) else { return }  // killed before opening it
        let check = try HuntProcess.run(["check", db])
        if check.status != 0 {
            // Killed while creating the schema: each migration is one transaction, a re-run goes on.
            XCTAssertTrue(check.stderr.contains("older hunt") || check.stderr.contains("not a HuntDB database"),
                          "\(context): hunt check: \(check.stderr)")
            return
        }
        let stored = try Harness.storedEvents(db)
        XCTAssertLessThanOrEqual(stored, Int64(Self.events), context)
        XCTAssertEqual(try Harness.distinctIdentities(db), stored, "\(context): nothing stored twice")
        XCTAssertEqual(try Harness.scalar(db, "SELECT count(*) FROM sources WHERE records_read != records_loaded + records_duplicate + records_not_relevant + records_rejected"),
                       0, context)
    }
}
