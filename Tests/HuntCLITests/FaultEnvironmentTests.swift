import Foundation
import HuntDB
@testable import Store
import XCTest

/// Environment faults: a full disk, read-only files and folders, a file that is not SQLite, a
/// newer schema, missing and unreadable inputs. Each gives a clear message and a non-zero
/// status, and leaves the database intact.
final class FaultEnvironmentTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(removedAfter: self)
    }

    /// Runs `hunt` as the unprivileged user `nobody` (root ignores file permissions), or as
    /// ourselves when we are not root. Nil when that is impossible here.
    private func runUnprivileged(_ arguments: [String]) throws -> (status: Int32, output: String)? {
        let hunt = Harness.quoted(HuntProcess.executable.path) + " " + arguments.map(Harness.quoted).joined(separator: " ")
        guard Harness.isRoot else { return try Harness.shell(hunt) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return nil }
        return try Harness.shell("/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups " + hunt)
    }

    private func corpus(_ events: Int, name: String = "c.json") throws -> String {
        let path = dir.path(name)
        try Harness.generate("sysmon-flat", events: events, to: path)
        return path
    }

    func testFault_diskFullStopsWithAClearMessageAndKeepsWhatWasCommitted() throws {
        // A first file that fits, then ~30 MB of input (other hosts), far more than the space left
        // (4 MB: the compact store keeps these 22,000 events in less than 10 MB).
        let first = dir.path("first.json")
        try Harness.generate("sysmon-flat", events: 2000, hosts: 1, to: first)
        let input = try corpus(20000)
        let space = dir.path("small")
        try FileManager.default.createDirectory(atPath: space, withIntermediateDirectories: true)
        let db = space + "/case.db"
        let result: (status: Int32, output: String)
        if try Harness.shell("mount -t tmpfs -o size=4m tmpfs \(Harness.quoted(space))").status == 0 {
            defer { _ = try? Harness.shell("umount \(Harness.quoted(space))") }
            result = try Harness.shell(Harness.quoted(HuntProcess.executable.path) + " load --quiet --db \(Harness.quoted(db)) \(Harness.quoted(first)) \(Harness.quoted(input))")
            XCTAssertTrue(result.output.contains("database or disk is full"), result.output)
            // Take the files out of the full file system and finish the load there.
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: db + suffix) {
                try FileManager.default.copyItem(atPath: db + suffix, toPath: dir.path("case.db" + suffix))
            }
        } else {
            // No tmpfs here: a file size limit (SIGXFSZ ignored, so writes fail with EFBIG).
            result = try Harness.shell("trap '' XFSZ; ulimit -f 4000; exec " + Harness.quoted(HuntProcess.executable.path)
                                       + " load --quiet --db \(Harness.quoted(db)) \(Harness.quoted(first)) \(Harness.quoted(input))")
            XCTAssertTrue(result.output.contains("database or disk is full") || result.output.contains("disk I/O error"), result.output)
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: db + suffix) {
                try FileManager.default.copyItem(atPath: db + suffix, toPath: dir.path("case.db" + suffix))
            }
        }
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.output.contains("Everything committed before this point is intact"), result.output)
        let moved = dir.path("case.db")
        try Harness.assertSound(moved, "after the disk filled up")
        let kept = try Harness.storedEvents(moved)
        XCTAssertEqual(try Harness.scalar(moved, "SELECT sum(records_loaded) FROM sources"), kept, "committed rows and counts agree")
        XCTAssertGreaterThanOrEqual(kept, 2000, "the first file was committed before the disk filled")
        let rerun = try HuntProcess.run(["load", "--quiet", "--db", moved, first, input])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let total = try Harness.storedEvents(moved)
        XCTAssertEqual(try Harness.distinctIdentities(moved), total)
        XCTAssertGreaterThanOrEqual(total, 20000)
        try Harness.assertSound(moved, "after finishing the load")
        print("fault disk full: \(kept) events committed before the disk filled, \(total) after the re-run")
    }

    func testFault_readOnlyDatabaseFileAndDirectory() throws {
        let input = try corpus(800)
        let folder = dir.path("evidence")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/case.db"
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", db, input]).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        guard try runUnprivileged(["--help"]) != nil else {
            throw XCTSkip("running as root without setpriv: file permissions cannot be tested")
        }
        defer { _ = try? Harness.shell("chmod -R u+w \(Harness.quoted(folder))") }

        // A read-only file in a writable folder: loading fails clearly, reading works.
        try Harness.shell("chmod 0777 \(Harness.quoted(folder)) && chmod 0444 \(Harness.quoted(db))")
        let load = try runUnprivileged(["load", "--db", db, input])!
        XCTAssertEqual(load.status, 1, load.output)
        XCTAssertTrue(load.output.contains("cannot be written") && load.output.contains(db), load.output)
        let read = try runUnprivileged(["sql", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM processes"])!
        XCTAssertEqual(read.status, 0, read.output)

        // A read-only folder: loading fails clearly.
        try Harness.shell("chmod 0555 \(Harness.quoted(folder)) && chmod 0666 \(Harness.quoted(db))")
        let inFolder = try runUnprivileged(["load", "--db", db, input])!
        XCTAssertEqual(inFolder.status, 1, inFolder.output)
        XCTAssertTrue(inFolder.output.contains("readonly database") || inFolder.output.contains("unable to open"), inFolder.output)
        XCTAssertTrue(inFolder.output.contains("Everything committed before this point is intact"), inFolder.output)

        try Harness.shell("chmod 0755 \(Harness.quoted(folder)) && chmod 0644 \(Harness.quoted(db))")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before, "the database is unchanged")
        try Harness.assertSound(db, "after the read-only attempts")
    }

    func testFault_evidenceOnReadOnlyMediaCanBeQueried() throws {
        let input = try corpus(800)
        let folder = dir.path("media")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/case #1.db"  // a name with URI-special characters
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", db, input]).status, 0)
        guard try runUnprivileged(["--help"]) != nil else {
            throw XCTSkip("running as root without setpriv: file permissions cannot be tested")
        }
        defer { _ = try? Harness.shell("chmod -R u+w \(Harness.quoted(folder))") }
        try Harness.shell("chmod 0444 \(Harness.quoted(db)) && chmod 0555 \(Harness.quoted(folder))")
        let before = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let count = try runUnprivileged(["sql", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM processes"])!
        XCTAssertEqual(count.status, 0, count.output)
        XCTAssertTrue(count.output.contains("n\r\n"), count.output)
        let detect = try runUnprivileged(["detect", "--db", db, "--format", "csv"])!
        XCTAssertTrue([0, 2].contains(detect.status), detect.output)
        XCTAssertEqual(try runUnprivileged(["check", db])!.status, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), before, "no -wal or -shm created")
    }

    func testFault_aFileThatIsNotSQLiteIsNeverTouched() throws {
        let input = try corpus(800)
        for (name, content) in [("notes.db", Data("these are my case notes, not a database\n".utf8)),
                                ("random.db", Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))] {
            let path = dir.path(name)
            try content.write(to: URL(fileURLWithPath: path))
            for arguments in [["load", "--db", path, input], ["sql", "--db", path, "SELECT 1"], ["check", path], ["stats", "--db", path], ["detect", "--db", path]] {
                let result = try HuntProcess.run(arguments)
                XCTAssertEqual(result.status, 1, "\(arguments[0]) \(name): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains("Cannot open \(path) as an SQLite database: file is not a database"),
                              "\(arguments[0]) \(name): \(result.stderr)")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), content, "\(name) is unchanged")
        }
    }

    func testFault_aDatabaseFromANewerHuntIsRefusedUnchanged() throws {
        let input = try corpus(800)
        let db = dir.path("future.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", db, input]).status, 0)
        do {
            let store = try SQLiteStore(path: db)
            try store.database.execute("INSERT INTO schema_migrations (id, applied_at_us) VALUES ('m9999_from_the_future', 0)", purpose: "faking a newer schema")
            try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)", purpose: "checkpointing")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for arguments in [["load", "--db", db, input], ["sql", "--db", db, "SELECT 1"], ["check", db], ["stats", "--db", db]] {
            let result = try HuntProcess.run(arguments)
            XCTAssertEqual(result.status, 1, "\(arguments[0]): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("written by a newer version of hunt (unknown schema migrations: m9999_from_the_future). Upgrade hunt to open it."),
                          "\(arguments[0]): \(result.stderr)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
    }

    func testFault_missingAndUnreadableInputsFailThatInputOnly() throws {
        let good = try corpus(800)
        let db = dir.path("case.db")
        let missing = dir.path("no-such-file.json")
        let result = try HuntProcess.run(["load", "--db", db, missing, good])
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(missing) [unknown]: read 0 = loaded 0 + duplicates 0 + not relevant 0 + rejected 0 — FAILED: cannot open the file: No such file or directory"),
                      result.stderr)
        XCTAssertEqual(try Harness.storedEvents(db), 800)
        let noDatabase = try HuntProcess.run(["sql", "--db", dir.path("nothing.db"), "SELECT 1"])
        XCTAssertEqual(noDatabase.status, 1)
        XCTAssertTrue(noDatabase.stderr.contains("No database at \(dir.path("nothing.db"))."), noDatabase.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("nothing.db")), "reading never creates a database")

        // A folder and a file without read permission (checked as `nobody`: root reads anything).
        let logs = dir.path("logs")
        try FileManager.default.createDirectory(atPath: logs + "/locked", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: good, toPath: logs + "/a.json")
        try FileManager.default.copyItem(atPath: good, toPath: logs + "/locked/b.json")
        try FileManager.default.copyItem(atPath: good, toPath: logs + "/secret.json")
        try Harness.shell("chmod 0777 \(Harness.quoted(dir.path(""))) && chmod 0000 \(Harness.quoted(logs + "/locked")) \(Harness.quoted(logs + "/secret.json"))")
        defer { _ = try? Harness.shell("chmod 0755 \(Harness.quoted(logs + "/locked"))") }
        let unprivilegedDB = dir.path("nobody.db")
        guard let locked = try runUnprivileged(["load", "--db", unprivilegedDB, logs]) else {
            throw XCTSkip("running as root without setpriv: unreadable inputs cannot be tested")
        }
        XCTAssertEqual(locked.status, 3, locked.output)
        XCTAssertTrue(locked.output.contains("\(logs)/locked [unknown]: read 0") && locked.output.contains("FAILED: cannot list the directory: Permission denied"), locked.output)
        XCTAssertTrue(locked.output.contains("\(logs)/secret.json [unknown]: read 0") && locked.output.contains("FAILED: cannot open the file: Permission denied"), locked.output)
        XCTAssertEqual(try Harness.storedEvents(unprivilegedDB), 800, "the readable file loads")
        try Harness.assertSound(unprivilegedDB, "after unreadable inputs")
    }
}
