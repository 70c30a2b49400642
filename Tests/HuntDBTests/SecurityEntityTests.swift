import XCTest
import HuntDB

/// Entities without GUIDs: pid reuse, processes started before the logs begin, reboots.
final class SecurityEntityTests: XCTestCase {
    typealias F = SecurityFixture
    private let key = "ws9.corp.example"

    private func load(_ events: [SecurityEvent]) throws -> (Scratch, SQLiteStore) {
        let scratch = try Scratch()
        let (store, report) = try scratch.load([try scratch.write("events.xml", text: events.map(F.xml).joined(separator: "\n"))])
        XCTAssertEqual(report.totals.rejected, 0, "\(report.sources.flatMap(\.firstRejects))")
        return (scratch, store)
    }

    private func parent(of image: String, in store: SQLiteStore) throws -> [String] {
        try store.column("SELECT coalesce(parent_entity_id, 'NULL') FROM processes WHERE name = '\(image)' ORDER BY ts_us")
    }

    func testPidReuse_eachChildLinksToTheProcessAliveWhenItStarted() throws {
        let (_, store) = try load([
            F.processStart(record: 1, ms: 1_000, pid: 0x100, creator: "0x2c0", image: #"C:\a\first.exe"#),
            F.processStart(record: 2, ms: 2_000, pid: 0x200, creator: "0x100", image: #"C:\a\childOfFirst.exe"#),
            F.exit(record: 3, ms: 3_000, pid: 0x100, image: #"C:\a\first.exe"#),
            F.processStart(record: 4, ms: 4_000, pid: 0x300, creator: "0x100", image: #"C:\a\orphan.exe"#),
            F.processStart(record: 5, ms: 5_000, pid: 0x100, creator: "0x2c0", image: #"C:\a\second.exe"#),
            F.processStart(record: 6, ms: 6_000, pid: 0x400, creator: "0x100", image: #"C:\a\childOfSecond.exe"#),
            F.connection(record: 7, ms: 2_500, pid: 0x100, application: #"\device\harddiskvolume3\a\first.exe"#),
            F.connection(record: 8, ms: 6_500, pid: 0x100, application: #"\device\harddiskvolume3\a\second.exe"#),
        ])
        let first = "security:\(key):256:\(F.at(1_000))", second = "security:\(key):256:\(F.at(5_000))"
        XCTAssertEqual(try parent(of: "childOfFirst.exe", in: store), [first])
        XCTAssertEqual(try parent(of: "childOfSecond.exe", in: store), [second])
        // Between the exit and the next start, pid 256 is a process whose start the logs lack.
        XCTAssertEqual(try parent(of: "orphan.exe", in: store), ["security:\(key):256:exit@\(F.at(3_000))"])
        XCTAssertEqual(try store.column("SELECT entity_id FROM network_connections ORDER BY ts_us"), [first, second])
        // Volume 3 is C: on this host (first.exe's 4688 and its 5156 name the same file).
        XCTAssertEqual(try store.column("SELECT executable FROM network_connections ORDER BY ts_us"), [#"C:\a\first.exe"#, #"C:\a\second.exe"#])
        XCTAssertEqual(try store.column("SELECT device || '=' || drive FROM host_volumes"), [#"\device\harddiskvolume3=C:"#])
    }

    func testParentStartedBeforeTheLogs_getsOneFirstSeenEntityForAllItsEvents() throws {
        let (_, store) = try load([
            F.connection(record: 1, ms: 1_000, pid: 1280, application: #"\device\harddiskvolume2\tools\agent.exe"#),
            F.processStart(record: 2, ms: 2_000, pid: 0x600, creator: "0x500", image: #"C:\Windows\System32\cmd.exe"#,
                           parentImage: #"C:\tools\agent.exe"#),
            F.processStart(record: 3, ms: 3_000, pid: 0x601, creator: "0x500", image: #"C:\Windows\System32\whoami.exe"#,
                           parentImage: #"C:\tools\agent.exe"#),
        ])
        let agent = "security:\(key):1280:before-logs"
        XCTAssertEqual(try parent(of: "cmd.exe", in: store), [agent])
        XCTAssertEqual(try parent(of: "whoami.exe", in: store), [agent])
        XCTAssertEqual(try store.column("SELECT entity_id FROM network_connections"), [agent])
        // No evidence for volume 2 on this host: the device path is kept, the name still compares.
        XCTAssertEqual(try store.column("SELECT executable || '|' || name FROM network_connections"),
                       [#"\device\harddiskvolume2\tools\agent.exe|agent.exe"#])
    }

    func testReboot_endsEveryProcessAndStartsANewEpoch() throws {
        let services = #"\device\harddiskvolume2\windows\system32\services.exe"#
        let (_, store) = try load([
            F.connection(record: 1, ms: 1_000, pid: 704, application: services),
            F.processStart(record: 2, ms: 1_500, pid: 0x700, creator: "0x2c0", image: #"C:\x\before.exe"#),
            F.processStart(record: 3, ms: 2_000, pid: 0x900, creator: "0x2c0", image: #"C:\x\longrunning.exe"#),
            F.boot(record: 4, ms: 10_000),
            F.connection(record: 5, ms: 11_000, pid: 704, application: services),
            F.processStart(record: 6, ms: 11_500, pid: 0x701, creator: "0x2c0", image: #"C:\x\after.exe"#),
            // The pid of a process from before the reboot: after it, another process.
            F.processStart(record: 7, ms: 12_000, pid: 0x902, creator: "0x900", image: #"C:\x\grandchild.exe"#),
        ])
        let beforeBoot = "security:\(key):704:before-logs", afterBoot = "security:\(key):704:boot@\(F.at(10_000))"
        XCTAssertEqual(try store.column("SELECT entity_id FROM network_connections ORDER BY ts_us"), [beforeBoot, afterBoot])
        XCTAssertEqual(try parent(of: "before.exe", in: store), [beforeBoot])
        XCTAssertEqual(try parent(of: "after.exe", in: store), [afterBoot])
        XCTAssertEqual(try parent(of: "grandchild.exe", in: store), ["security:\(key):2304:boot@\(F.at(10_000))"])
    }

    func testLinks_areComputedPerHost() throws {
        let (_, store) = try load([
            F.processStart(record: 1, ms: 1_000, pid: 0x100, creator: "0x2c0", image: #"C:\a\one.exe"#, host: "A.corp"),
            F.processStart(record: 1, ms: 2_000, pid: 0x200, creator: "0x100", image: #"C:\a\two.exe"#, host: "B.corp"),
        ])
        XCTAssertEqual(try parent(of: "two.exe", in: store), ["security:b.corp:256:before-logs"])
    }

    func testResolve_rulesAtTheBoundaries() {
        func resolve(start: Int64?, exit: Int64?, boot: Int64?) -> String {
            SyntheticEntity.resolve(hostKey: "h", pid: 7, lastStart: start, lastExit: exit, lastBoot: boot)
        }
        XCTAssertEqual(resolve(start: 10, exit: nil, boot: nil), "security:h:7:10")
        XCTAssertEqual(resolve(start: 10, exit: 5, boot: 10), "security:h:7:10", "started in the boot's own tick")
        XCTAssertEqual(resolve(start: 10, exit: 10, boot: nil), "security:h:7:exit@10", "started and exited in one tick: gone")
        XCTAssertEqual(resolve(start: 10, exit: nil, boot: 20), "security:h:7:boot@20")
        XCTAssertEqual(resolve(start: nil, exit: 30, boot: 20), "security:h:7:exit@30")
        XCTAssertEqual(resolve(start: nil, exit: nil, boot: nil), "security:h:7:before-logs")
    }
}
