import Foundation
import XCTest

/// Issue 18 item 5: every record is counted, whatever its framing: records never vanish from
/// `read`, and a file that loaded whole is not marked failed.
final class HostileCountTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(removedAfter: self)
    }

    func testCounts_flatRecordWithAnEmptyHitsMemberIsStillARecord() throws {
        let child = String(Pair.process.dropLast()) + #","hits":{"hits":[]}}"#
        let load = try TrickedLoad([try dir.write("pair.json", Pair.network + "\n" + child + "\n")], in: dir)
        XCTAssertEqual(load.result.status, 0, load.result.stderr)
        XCTAssertEqual(try load.sources(), ["2=2+0+0+0 complete"])
        try load.assertPairAlerts()
    }

    func testCounts_xmlEventsWithANamespacePrefixAreRead() throws {
        let load = try TrickedLoad([try dir.write("pair.xml", Pair.xml(tag: "e:Event"))], in: dir)
        XCTAssertEqual(load.result.status, 0, load.result.stderr)
        XCTAssertEqual(try load.sources(), ["2=2+0+0+0 complete"])
        try load.assertPairAlerts()
    }

    func testCounts_xmlFileCutMidEventRejectsTheTailItStartsWith() throws {
        let xml = Pair.xml()
        // What `split -b` leaves at the start of a piece: the tail of an event.
        let tail = xml[xml.range(of: "<Data Name='DestinationPort'>")!.lowerBound..<xml.range(of: "</Event>")!.upperBound]
        let load = try TrickedLoad([try dir.write("part-02.xml", tail + "\n" + Pair.xml())], in: dir)
        XCTAssertEqual(load.result.status, 3, load.result.stderr)
        XCTAssertEqual(try load.sources(), ["3=2+0+0+1 complete"])
        XCTAssertEqual(try load.rejects(), ["1|0|text ending in </Event> without its <Event> start tag: the tail of an event cut off (a file split mid-event?)"])
        try load.assertPairAlerts()
    }

    func testCounts_objectsConcatenatedOnOneLineAreEachARecord() throws {
        let line = Pair.network + Pair.process + Events.lateralMovement[3]
        let load = try TrickedLoad([try dir.write("pair.json", line + "\n")], in: dir)
        XCTAssertEqual(load.result.status, 0, load.result.stderr)
        XCTAssertEqual(try load.sources(), ["3=2+0+1+0 complete"])
        try load.assertPairAlerts()
    }

    func testCounts_carriageReturnLineEndsFrameRecords() throws {
        let text = Pair.lines.joined(separator: "\r") + "\r"
        let load = try TrickedLoad([try dir.write("pair.json", text)], in: dir)
        XCTAssertEqual(load.result.status, 0, load.result.stderr)
        XCTAssertEqual(try load.sources(), ["2=2+0+0+0 complete"])
        XCTAssertEqual(try load.rows("SELECT source_record FROM processes", ["source_record"]), ["2"], "the child is on line 2")
        try load.assertPairAlerts()
    }

    func testCounts_gzipFollowedByZeroPaddingLoadsComplete() throws {
        let plain = try dir.write("pair.json", Pair.ndjson)
        let gzip = try Harness.shell("gzip -c \(Harness.quoted(plain)) > \(Harness.quoted(plain)).gz && head -c 4096 /dev/zero >> \(Harness.quoted(plain)).gz")
        XCTAssertEqual(gzip.status, 0, gzip.output)
        let load = try TrickedLoad([plain + ".gz"], in: dir)
        XCTAssertEqual(load.result.status, 0, load.result.stderr)
        XCTAssertEqual(try load.sources(), ["2=2+0+0+0 complete"])
        XCTAssertTrue(load.result.stderr.contains("4096 bytes of zero padding after the gzip stream were ignored"), load.result.stderr)
        try load.assertPairAlerts()
        // Anything but zeros after the stream is still damage.
        let garbage = try Harness.shell("gzip -c \(Harness.quoted(plain)) > \(Harness.quoted(plain))2.gz && printf '\\0\\0junk' >> \(Harness.quoted(plain))2.gz")
        XCTAssertEqual(garbage.status, 0, garbage.output)
        let damaged = try TrickedLoad([plain + "2.gz"], in: dir, name: "damaged.db")
        XCTAssertEqual(damaged.result.status, 3, damaged.result.stderr)
        XCTAssertEqual(try damaged.sources(), ["2=2+0+0+0 failed"])
    }
}
