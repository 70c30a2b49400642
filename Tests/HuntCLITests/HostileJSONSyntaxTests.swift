import Foundation
import XCTest

/// Issue 18 items 3 and 7: JSON that other readers read differently is rejected by name, never
/// rewritten (invalid escapes, malformed numbers), and escaped keys mean what every reader reads.
final class HostileJSONSyntaxTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(removedAfter: self)
    }

    func testSyntax_singleBackslashesAreRejectedNamingTheEscapeAndItsOffset() throws {
        let child = Events.process(record: 11, time: "2020-09-20 16:16:56.597", guid: "{d273d0f0-8078-5f67-cb06-000000000800}",
                                   image: #"C:\Windows\System32\cmd.exe"#, commandLine: "cmd.exe /C whoami")
        let input = try dir.write("pair.json", Pair.network + "\n" + child + "\n")
        let load = try TrickedLoad([input], in: dir)
        XCTAssertEqual(load.result.status, 3, load.result.stderr)
        XCTAssertEqual(try load.sources(), ["2=1+0+0+1 complete"])
        let escapeAt = try XCTUnwrap(child.utf8.firstRange(of: #"\W"#.utf8)).lowerBound
        let byte = child.utf8.distance(from: child.utf8.startIndex, to: escapeAt)
        XCTAssertEqual(try load.rejects(), [#"2|\#(Pair.network.utf8.count + 1)|malformed JSON at byte \#(byte) of the record: invalid escape \W in a string"#])
        XCTAssertEqual(try load.processes(), [], "never stored as C:WindowsSystem32cmd.exe")
        XCTAssertEqual(try load.detectStatus(), 0)
    }

    func testSyntax_malformedNumbersAreRejectedNamingTheNumber() throws {
        let cases = [(Pair.network, #""RecordNumber":10,"#, #""RecordNumber":010,"#, "010"),
                     (Pair.process, #""RecordNumber":11,"#, #""RecordNumber":11-,"#, "11-"),
                     (Pair.process, #""RecordNumber":11,"#, #""RecordNumber":1.,"#, "1.")]
        for (index, (line, plain, forged, number)) in cases.enumerated() {
            let record = line.replacingOccurrences(of: plain, with: forged)
            let input = try dir.write("case\(index).json", record + "\n")
            let load = try TrickedLoad([input], in: dir, name: "case\(index).db")
            XCTAssertEqual(load.result.status, 3, load.result.stderr)
            let at = record.utf8.distance(from: record.utf8.startIndex, to: try XCTUnwrap(record.utf8.firstRange(of: forged.utf8)).lowerBound)
            let numberAt = at + #""RecordNumber":"#.utf8.count
            XCTAssertEqual(try load.rejects(), ["1|0|malformed JSON at byte \(numberAt) of the record: malformed number \(number)"])
            XCTAssertEqual(try load.sources(), ["1=0+0+0+1 complete"])
        }
    }

    func testSyntax_escapedKeysMeanTheFieldTheySpell() throws {
        let cases = [
            ("parent", Pair.process.replacingOccurrences(of: #""ParentImage""#, with: #""Parent\u0049mage""#), Pair.network),
            ("eventid", Pair.process.replacingOccurrences(of: #""EventID""#, with: #""\u0045ventID""#), Pair.network),
            ("sourceip", Pair.process, Pair.network.replacingOccurrences(of: #""SourceIp""#, with: #""Source\u0049p""#)),
        ]
        for (name, child, network) in cases {
            let input = try dir.write("\(name).json", network + "\n" + child + "\n")
            let load = try TrickedLoad([input], in: dir, name: "\(name).db")
            XCTAssertEqual(load.result.status, 0, "\(name): \(load.result.stderr)")
            XCTAssertEqual(try load.sources(), ["2=2+0+0+0 complete"], name)
            try load.assertPairAlerts()
        }
    }
}
