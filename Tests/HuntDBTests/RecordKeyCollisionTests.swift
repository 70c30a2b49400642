import XCTest
import HuntDB

/// Events stored under a record key the host already used for another event are reported as
/// colliding. The writer skips the look-up when a key lies above every key the host holds; these
/// tests compare its warnings with a model that always looks.
final class RecordKeyCollisionTests: XCTestCase {
    private struct Planned {
        var line: String
        var host: String
        var table: String
        /// What identifies the record: its channel's kind and its record id.
        var key: String
        /// Time and content: the same key with the same identity is a duplicate.
        var identity: String
    }

    /// Three hosts, both tables, mostly rising record ids with repeats, older ids, exact
    /// duplicates and records of a forwarded channel (text keys).
    private func plan(count: Int, seed: UInt64, startRecord: Int, startMs: Int) -> [Planned] {
        var random = SystemRandomNumberGenerator.Seeded(seed: seed)
        var next = [startRecord, startRecord + 5, startRecord + 9]
        var planned: [Planned] = []
        for i in 0..<count {
            let h = Int.random(in: 0..<3, using: &random)
            let host = "WS\(h).corp.example"
            var record: Int
            switch Int.random(in: 0..<10, using: &random) {
            case 0: record = max(1, next[h] - Int.random(in: 1...20, using: &random))  // an older id again
            case 1: record = next[h]  // the same id as the last event
            default: next[h] += 1; record = next[h]
            }
            let ms = startMs + i * 3 + (Int.random(in: 0..<8, using: &random) == 0 ? 0 : 1)
            let forwarded = Int.random(in: 0..<12, using: &random) == 0
            let extra: [String: Any] = forwarded ? ["Channel": "ForwardedEvents"] : [:]
            let isProcess = Bool.random(using: &random)
            let line = isProcess
                ? SysmonFixture.process(host: host, record: record, ms: ms, guid: "{00000000-0000-0000-0000-\(String(format: "%012d", i))}",
                                        image: #"C:\Windows\System32\cmd.exe"#, extra: extra)
                : SysmonFixture.network(host: host, record: record, ms: ms, extra: extra)
            planned.append(Planned(line: line, host: host, table: isProcess ? "process" : "network",
                                   key: "\(forwarded ? "fwd" : "sysmon"):\(record)", identity: isProcess ? "p\(ms)/\(i)" : "n\(ms)"))
            // Now and then the very same record again: a duplicate, never a collision.
            if Int.random(in: 0..<15, using: &random) == 0 { planned.append(planned[planned.count - 1]) }
        }
        return planned
    }

    /// Which lines (1-based) of each file the model expects to be reported as colliding.
    private func expectedCollisions(_ files: [[Planned]]) -> [[Int]] {
        var stored: [String: Set<String>] = [:]  // host|table|key -> identities stored
        return files.map { file in
            var colliding: [Int] = []
            for (index, event) in file.enumerated() {
                let slot = "\(event.host)|\(event.table)|\(event.key)"
                var identities = stored[slot, default: []]
                if identities.contains(event.identity) { continue }  // a duplicate
                if !identities.isEmpty { colliding.append(index + 1) }
                identities.insert(event.identity)
                stored[slot] = identities
            }
            return colliding
        }
    }

    func testLoad_collisionsAreReportedExactlyAsIfEveryKeyWereLookedUp() throws {
        let scratch = try Scratch()
        let first = plan(count: 400, seed: 3, startRecord: 100, startMs: 0)
        // The second file overlaps the first's ids and goes on above them.
        let second = plan(count: 300, seed: 4, startRecord: 350, startMs: 2_000)
        let paths = [try scratch.write("a.json", lines: first.map(\.line)), try scratch.write("b.json", lines: second.map(\.line))]
        var options = LoadOptions()
        options.batchSize = 7
        options.transactionSize = 13  // many transactions: each reads its hosts' keys again
        let store = try scratch.store()
        for path in paths { _ = try Loader(store: store, options: options).load([path]) }

        let expected = expectedCollisions([first, second])
        XCTAssertGreaterThan(expected.joined().count, 20, "the plan must make collisions")
        for (sourceID, lines) in expected.enumerated() {
            let reported = try store.column(
                "SELECT record FROM warnings WHERE kind = 'colliding' AND source_id = \(sourceID + 1) ORDER BY record")
            XCTAssertEqual(reported, lines.map(String.init), "file \(sourceID + 1)")
        }
        XCTAssertEqual(try store.column("SELECT sum(records_colliding) FROM sources"), ["\(expected.joined().count)"])
    }
}
