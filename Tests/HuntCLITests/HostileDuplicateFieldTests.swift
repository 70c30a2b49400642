import Foundation
import XCTest

/// Issue 18 item 6: a record that gives a field we read twice (a forged file: readers disagree on
/// which value counts) is rejected naming the field, in every format.
final class HostileDuplicateFieldTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(removedAfter: self)
    }

    private static func repeats(_ field: String) -> String {
        "the record repeats the field \(field) (readers disagree on which value counts)"
    }

    func testDuplicates_jsonRecordRepeatingAMappedFieldIsRejected() throws {
        let explorer = #""C:\\Windows\\explorer.exe""#
        let cases: [(field: String, network: String, child: String)] = [
            ("EventID", Pair.network, Pair.process.replacingOccurrences(of: #"{"EventID":1,"#, with: #"{"EventID":7,"EventID":1,"#)),
            ("ParentImage", Pair.network, String(Pair.process.dropLast()) + #","ParentImage":\#(explorer)}"#),
            ("ParentProcessGuid", Pair.network, String(Pair.process.dropLast()) + #","ParentProcessGuid":"{d273d0f0-0000-0000-0000-000000000000}"}"#),
            ("Image", Pair.network, String(Pair.process.dropLast()) + #","Image":\#(explorer)}"#),
            ("ParentImage", Pair.network, String(Pair.process.dropLast()) + #","Parent\u0049mage":\#(explorer)}"#),
            ("SourceIp", String(Pair.network.dropLast()) + #","SourceIp":"127.0.0.1"}"#, Pair.process),
        ]
        for (index, trick) in cases.enumerated() {
            let input = try dir.write("case\(index).json", trick.network + "\n" + trick.child + "\n")
            let load = try TrickedLoad([input], in: dir, name: "case\(index).db")
            let context = "\(trick.field): \(load.result.stderr)"
            XCTAssertEqual(load.result.status, 3, context)
            XCTAssertEqual(try load.sources(), ["2=1+0+0+1 complete"], context)
            let forgedChild = trick.network == Pair.network
            let reject = forgedChild ? "2|\(Pair.network.utf8.count + 1)|" : "1|0|"
            XCTAssertEqual(try load.rejects(), [reject + Self.repeats(trick.field)], context)
            XCTAssertEqual(try load.detectStatus(), 0, context)
        }
    }

    func testDuplicates_xmlSystemAndEventDataRepeatsAreRejected() throws {
        let cases = [
            ("EventID", Pair.xml(networkSystemExtra: "<EventID>7</EventID>"), "1|"),
            ("Computer", Pair.xml(networkSystemExtra: "<Computer>DC01</Computer>"), "1|"),
            ("ParentImage", Pair.xml(processDataExtra: #"<Data Name='ParentImage'>C:\Windows\explorer.exe</Data>"#), "2|"),
        ]
        for (index, (field, xml, record)) in cases.enumerated() {
            let load = try TrickedLoad([try dir.write("case\(index).xml", xml)], in: dir, name: "case\(index).db")
            XCTAssertEqual(load.result.status, 3, "\(field): \(load.result.stderr)")
            XCTAssertEqual(try load.sources(), ["2=1+0+0+1 complete"], field)
            let rejects = try load.rejects()
            XCTAssertEqual(rejects.count, 1, field)
            XCTAssertTrue(rejects.first?.hasPrefix(record) ?? false, "\(field): \(rejects)")
            XCTAssertTrue(rejects.first?.hasSuffix("|" + Self.repeats(field)) ?? false, "\(field): \(rejects)")
            XCTAssertEqual(try load.detectStatus(), 0, field)
        }
    }
}
