import XCTest
import HuntDB
@testable import Ingest

final class RelevanceProbeTests: XCTestCase {
    private func irrelevant(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { RelevanceProbe.isCertainlyIrrelevant(UnsafeRawBufferPointer($0)) }
    }

    func testProbe_skipsOnlyRecordsWithOneEventIDOtherThanOneOrThree() {
        XCTAssertTrue(irrelevant(#"{"EventID":10,"Image":"x"}"#))
        XCTAssertTrue(irrelevant(#"{"winlog":{"event_id":"7","channel":"x"}}"#))
        XCTAssertTrue(irrelevant(#"{"Event":{"System":{"EventID" : 11 }}}"#))
        XCTAssertFalse(irrelevant(#"{"EventID":1,"Image":"x"}"#))
        XCTAssertFalse(irrelevant(#"{"EventID":3}"#))
        XCTAssertFalse(irrelevant(#"{"winlog":{"event_id":"3"}}"#))
        // Anything unusual is left to the full parser.
        XCTAssertFalse(irrelevant(##"{"EventID":{"#text":10}}"##), "an object value")
        XCTAssertFalse(irrelevant(#"{"EventID":10,"x":{"EventID":1}}"#), "two event ids")
        XCTAssertFalse(irrelevant(#"{"EventID":1e1}"#), "not a plain integer")
        XCTAssertFalse(irrelevant(#"{"event":{"category":["file"]}}"#), "ECS has no event id")
        XCTAssertFalse(irrelevant(#"{"CommandLine":"echo \"EventID\":10","EventID":1}"#), "a key inside a string is escaped")
        XCTAssertTrue(irrelevant(#"{"CommandLine":"echo \"EventID\":1","EventID":10}"#), "a key inside a string is escaped")
    }
}
